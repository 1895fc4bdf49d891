using QwenLayered.Engine.ModelFolders;

namespace QwenLayered.Server.Hosting;

/// <summary>What one request may ask for (configuration section "Limits").</summary>
public sealed class LimitsOptions
{
    public const string Section = "Limits";

    public int DefaultLayers { get; set; } = 4;
    public int MaxLayers { get; set; } = 10;
    public int DefaultSteps { get; set; } = 50;
    public int MaxSteps { get; set; } = 100;
    public float DefaultGuidanceScale { get; set; } = 4.0f;
    /// <summary>Largest input image in pixels (width x height).</summary>
    public long MaxPixels { get; set; } = 64L * 1024 * 1024;
    /// <summary>Largest encoded input image in bytes; a region mask has the same limit.</summary>
    public long MaxImageBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// Longest prompt, and negative prompt, in UTF-8 bytes. The pipeline keeps the first 512 tokens of a prompt but
    /// the text encoder reads all of it first; a token is at least one byte, so this bounds that work at 16 times a
    /// full prompt. Natural text takes about 4 to 5 bytes a token with the model's tokenizer (English 4.7, Chinese
    /// 4.0, Japanese 3.8), so 512 tokens are about 2,000 to 2,400 bytes: a prompt the model would read whole is
    /// never refused.
    /// </summary>
    public int MaxPromptBytes { get; set; } = 8 * 1024;

    /// <summary>
    /// Largest request message in bytes, which gRPC and Kestrel both enforce: an image and a region mask of
    /// <see cref="MaxImageBytes"/> each, two prompts of <see cref="MaxPromptBytes"/>, and 64 KiB for the other fields.
    /// gRPC reads at most 2 GiB - 1 bytes a message.
    /// </summary>
    public int MaxRequestBytes => (int)Math.Min(int.MaxValue, 2 * MaxImageBytes + 2L * MaxPromptBytes + 64 * 1024);

    /// <summary>Steps for a request that leaves them at 0: the served model's own default, else <see cref="DefaultSteps"/>.</summary>
    public int StepsFor(ModelProfile profile) => profile.DefaultSteps ?? DefaultSteps;

    /// <summary>Guidance for a request that leaves it at 0: the served model's own default, else <see cref="DefaultGuidanceScale"/>.</summary>
    public float GuidanceScaleFor(ModelProfile profile) => profile.DefaultGuidanceScale ?? DefaultGuidanceScale;
}
