namespace QwenLayered.Server.Hosting;

/// <summary>How the engine runs (configuration section "Engine").</summary>
public sealed class EngineOptions
{
    public const string Section = "Engine";

    /// <summary>auto, cpu, cuda or cuda:N.</summary>
    public string Device { get; set; } = "auto";
}
