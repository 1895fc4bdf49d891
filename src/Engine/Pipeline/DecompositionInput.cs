using QwenLayered.Engine.Imaging;
using QwenLayered.Engine.QwenVL;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Pipeline;

/// <summary>One image to decompose, with its working size and encoded prompts.</summary>
public sealed record DecompositionInput(RgbaImage Image, WorkingSize Size, PromptEmbedding Prompt, DecompositionSettings Settings)
{
    /// <summary>The negative prompt's embedding; guidance runs only when it is given and the scale is above 1.</summary>
    public PromptEmbedding? NegativePrompt { get; init; }

    /// <summary>Packed initial noise [1, (layers + 1)·tokens, 4·z_dim] to use instead of the seeded draw.</summary>
    public Tensor? Noise { get; init; }
}
