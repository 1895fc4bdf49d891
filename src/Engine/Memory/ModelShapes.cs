using QwenLayered.Engine.ModelFolders;
using QwenLayered.Engine.QwenVL;
using QwenLayered.Engine.QwenVL.Language;
using QwenLayered.Engine.Transformer;
using QwenLayered.Engine.Vae;

namespace QwenLayered.Engine.Memory;

/// <summary>The configs a memory plan needs: the transformer, the VAE and the text encoder (with the captioner's vision
/// tower and <c>lm_head</c> when <paramref name="Captioning"/> is set).</summary>
public sealed record ModelShapes(QwenImageTransformerConfig Transformer, AutoencoderKLQwenImageConfig Vae, Qwen25VLTextConfig TextEncoder,
    Qwen25VLConfig? Captioning)
{
    /// <summary>Reads the configs of a diffusers model folder (no weights).</summary>
    public static ModelShapes Read(string folder)
    {
        var model = ModelFolder.Open(folder);
        string textConfig = model.Component("text_encoder").ConfigPath;
        return new ModelShapes(model.Component("transformer").ReadConfig<QwenImageTransformerConfig>(),
            model.Component("vae").ReadConfig<AutoencoderKLQwenImageConfig>(),
            Qwen25VLTextConfig.FromFile(textConfig),
            Qwen25VLConfig.HasVisionTower(textConfig) ? Qwen25VLConfig.FromFile(textConfig) : null);
    }
}
