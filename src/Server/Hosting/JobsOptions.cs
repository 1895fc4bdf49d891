namespace QwenLayered.Server.Hosting;

/// <summary>How jobs are queued and kept (configuration section "Jobs").</summary>
public sealed class JobsOptions
{
    public const string Section = "Jobs";

    /// <summary>Jobs that may wait at once (running ones not counted); past it a submit gets RESOURCE_EXHAUSTED.</summary>
    public int QueueCapacity { get; set; } = 32;

    /// <summary>Where finished jobs' events and layers are kept, so Attach works after a reconnect or a restart.</summary>
    public string ResultsFolder { get; set; } = Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "qwenlayered", "results");

    /// <summary>How long a finished result stays retrievable.</summary>
    public TimeSpan ResultTimeToLive { get; set; } = TimeSpan.FromHours(24);

    /// <summary>On shutdown, how long running jobs may go on before they are cancelled.</summary>
    public TimeSpan ShutdownDrainTimeout { get; set; } = TimeSpan.FromMinutes(2);
}
