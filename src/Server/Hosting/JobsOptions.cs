namespace QwenLayered.Server.Hosting;

/// <summary>How jobs are queued and kept (configuration section "Jobs").</summary>
public sealed class JobsOptions
{
    public const string Section = "Jobs";

    /// <summary>Jobs that may wait at once (running ones not counted); past it a submit gets RESOURCE_EXHAUSTED.</summary>
    public int QueueCapacity { get; set; } = 32;

    /// <summary>
    /// Jobs one artist may have waiting at once, their share of the queue; past it their submit gets RESOURCE_EXHAUSTED.
    /// Below <see cref="QueueCapacity"/> so that one artist cannot fill the queue and lock the others out: an accepted
    /// job is never dropped, so the room for another artist's job must be kept before it arrives, even while one
    /// artist is alone. Half the queue still lets a lone artist queue a good batch, and turns are fair whatever the
    /// share, so a full share delays nobody else's jobs. Equal to the capacity lets one artist fill the queue.
    /// </summary>
    public int MaxQueuedPerArtist { get; set; } = 16;

    /// <summary>Where finished jobs' events and layers are kept, so Attach works after a reconnect or a restart.</summary>
    public string ResultsFolder { get; set; } = Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "qwenlayered", "results");

    /// <summary>How long a finished result stays retrievable.</summary>
    public TimeSpan ResultTimeToLive { get; set; } = TimeSpan.FromHours(24);

    /// <summary>On shutdown, how long running jobs may go on before they are cancelled.</summary>
    public TimeSpan ShutdownDrainTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <exception cref="ServerConfigurationException">A queue bound is out of range.</exception>
    public void Validate()
    {
        if (QueueCapacity < 1)
            throw new ServerConfigurationException($"Jobs:QueueCapacity is {QueueCapacity}; it must be at least 1.");
        if (MaxQueuedPerArtist < 1 || MaxQueuedPerArtist > QueueCapacity)
            throw new ServerConfigurationException(
                $"Jobs:MaxQueuedPerArtist is {MaxQueuedPerArtist}; it must be from 1 to Jobs:QueueCapacity ({QueueCapacity}). " +
                "Below the capacity it keeps room in the queue for other artists; equal to it lets one artist fill the queue.");
    }
}
