namespace QwenLayered.Server.Jobs;

/// <summary>What an artist reads when a full queue, or their full share of it, refuses a job; one wording for every scheduler.</summary>
public static class QueueRefusals
{
    public static JobRefusedException ShareFull(int perArtist, int capacity) => new(RefusalReason.ShareFull,
        $"Your share of the queue is full: {perArtist} of your jobs are waiting, the most one artist may have " +
        $"waiting on this server (of {capacity} in all). Submit more when one of yours has started.");

    public static JobRefusedException QueueFull(int capacity) => new(RefusalReason.QueueFull,
        $"The queue is full: {capacity} jobs are waiting, the most this server queues. Try again when some have started.");
}
