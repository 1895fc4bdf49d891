namespace QwenLayered.Server.Jobs;

/// <summary>
/// One event of a job, in the scheduler's own terms: the job's <see cref="JobEventLog"/> numbers it from 1 and stamps
/// its time as it appends it. The service layer turns it into the contract's JobEvent.
/// </summary>
public abstract record JobUpdate
{
    /// <summary>1 for the job's first event, one more for each next; 0 until the log appends it.</summary>
    public ulong Sequence { get; init; }

    public DateTime Time { get; init; }

    /// <summary>True for the outcome: completed, failed or cancelled; nothing follows it.</summary>
    public virtual bool IsOutcome => false;
}

/// <param name="QueuePosition">Jobs ahead of this one; 0 means it is next.</param>
public sealed record JobAccepted(int QueuePosition) : JobUpdate;

/// <param name="QueuePosition">As in <see cref="JobAccepted"/>.</param>
public sealed record JobQueuePositionChanged(int QueuePosition) : JobUpdate;

/// <param name="Width">The canvas the layers are placed on, with <paramref name="Height"/>.</param>
/// <param name="Prompt">The prompt used, an automatic caption included.</param>
public sealed record JobStarted(ulong Seed, int Width, int Height, int Layers, int Steps, string Prompt) : JobUpdate;

public sealed record JobProgress(int Step, int TotalSteps, TimeSpan Elapsed, TimeSpan EstimatedRemaining) : JobUpdate;

/// <param name="Png">A small RGBA PNG of one layer.</param>
public sealed record JobPreview(int Step, int LayerIndex, ReadOnlyMemory<byte> Png) : JobUpdate;

/// <summary>
/// A finished layer as it is placed: an RGBA PNG of <see cref="Width"/> x <see cref="Height"/> pixels whose top-left
/// corner sits at (<see cref="X"/>, <see cref="Y"/>) on the canvas of <see cref="JobStarted"/>; index 0 is the bottom
/// layer. A PNG larger than a chunk comes in <see cref="ChunkCount"/> pieces, the first in <paramref name="Png"/>,
/// the others in the <see cref="JobLayerChunk"/> events right after it (<see cref="LayerChunks"/>).
/// </summary>
/// <param name="Bounds">The box of its non-transparent pixels on the canvas; null when it is fully transparent.</param>
public sealed record JobLayer(int Index, string Name, ReadOnlyMemory<byte> Png, LayerBounds? Bounds) : JobUpdate
{
    public int X { get; init; }

    public int Y { get; init; }

    public int Width { get; init; }

    public int Height { get; init; }

    /// <summary>8 or 16: the PNG's bits per channel.</summary>
    public int BitsPerChannel { get; init; } = 8;

    public int ChunkCount { get; init; } = 1;
}

/// <param name="Chunk">1 for the piece after the one in the layer's event, up to its chunk count − 1.</param>
public sealed record JobLayerChunk(int LayerIndex, int Chunk, ReadOnlyMemory<byte> Data) : JobUpdate;

public readonly record struct LayerBounds(int X, int Y, int Width, int Height);

public sealed record JobCompleted(int LayerCount, IReadOnlyList<PhaseTime> Timings) : JobUpdate
{
    public override bool IsOutcome => true;
}

/// <param name="Phase">For example "queued", "sampling", "total".</param>
public readonly record struct PhaseTime(string Phase, TimeSpan Duration);

/// <param name="Message">What went wrong and what to do, for a person.</param>
public sealed record JobFailed(JobFailure Failure, string Message) : JobUpdate
{
    public override bool IsOutcome => true;
}

/// <summary>Why a job failed, as far as the artist can act on it.</summary>
public enum JobFailure
{
    /// <summary>The artist's input is at fault (pixels that do not decode).</summary>
    BadInput,
    /// <summary>The device ran out of memory; a smaller job may fit.</summary>
    OutOfMemory,
    /// <summary>The server failed; its log has the details.</summary>
    Internal,
}

/// <param name="Reason">Who cancelled and why, for a person.</param>
public sealed record JobCancelled(string Reason) : JobUpdate
{
    public override bool IsOutcome => true;
}
