using QwenLayered.Engine.Models;

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
    /// <summary>Largest encoded input image in bytes.</summary>
    public long MaxImageBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Steps for a request that leaves them at 0: the served model's own default, else <see cref="DefaultSteps"/>.</summary>
    public int StepsFor(ModelProfile profile) => profile.DefaultSteps ?? DefaultSteps;

    /// <summary>Guidance for a request that leaves it at 0: the served model's own default, else <see cref="DefaultGuidanceScale"/>.</summary>
    public float GuidanceScaleFor(ModelProfile profile) => profile.DefaultGuidanceScale ?? DefaultGuidanceScale;
}
