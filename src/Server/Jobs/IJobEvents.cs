namespace QwenLayered.Server.Jobs;

/// <summary>A job's events as Attach streams them: a live job's from memory, a finished one's from its stored file.</summary>
public interface IJobEvents
{
    /// <summary>The events after <paramref name="afterSequence"/>, then each new one as it comes, until the outcome.</summary>
    /// <exception cref="ResultUnreadableException">A stored result could not be read to its end.</exception>
    IAsyncEnumerable<JobUpdate> Follow(ulong afterSequence, CancellationToken cancellation);
}
