namespace QwenLayered.Bridge.Protocol;

// The gRPC JobEvent kinds, one record each, with the event's job id, sequence and time.

public abstract record JobEventMessage(string JobId, ulong Sequence, DateTimeOffset? Time) : PanelMessage;

public sealed record AcceptedEvent(string JobId, ulong Sequence, DateTimeOffset? Time, int QueuePosition, string? ClientRequestId = null)
    : JobEventMessage(JobId, Sequence, Time);

public sealed record QueuePositionEvent(string JobId, ulong Sequence, DateTimeOffset? Time, int QueuePosition)
    : JobEventMessage(JobId, Sequence, Time);

public sealed record StartedEvent(string JobId, ulong Sequence, DateTimeOffset? Time, string Seed, int Width, int Height, int Layers, int Steps, string Prompt)
    : JobEventMessage(JobId, Sequence, Time);

public sealed record ProgressEvent(string JobId, ulong Sequence, DateTimeOffset? Time, int Step, int TotalSteps, long ElapsedMs, long RemainingMs)
    : JobEventMessage(JobId, Sequence, Time);

/// <summary>Payload: a small RGBA PNG of one layer.</summary>
public sealed record PreviewEvent(string JobId, ulong Sequence, DateTimeOffset? Time, int Step, int LayerIndex)
    : JobEventMessage(JobId, Sequence, Time)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public override bool CarriesPayload => true;
}

/// <summary>
/// Payload: the RGBA PNG of one result layer as it is placed, <paramref name="Width"/> x <paramref name="Height"/>
/// pixels at (<paramref name="X"/>, <paramref name="Y"/>) on the canvas of the started event, 8 or 16 bits per
/// channel; or, when <paramref name="ChunkCount"/> is above 1, its first piece, the others following in
/// <see cref="LayerChunkEvent"/>s. Index 0 is the bottom. <paramref name="Bounds"/>: its non-transparent pixels on the canvas.
/// </summary>
public sealed record LayerEvent(string JobId, ulong Sequence, DateTimeOffset? Time, int Index, string Name, PanelRect? Bounds = null,
    int X = 0, int Y = 0, int Width = 0, int Height = 0, int BitsPerChannel = 8, int ChunkCount = 1)
    : JobEventMessage(JobId, Sequence, Time)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public override bool CarriesPayload => true;
}

/// <summary>Payload: the next piece of a layer's PNG; <paramref name="Chunk"/> counts from 1 after the layer event's piece.</summary>
public sealed record LayerChunkEvent(string JobId, ulong Sequence, DateTimeOffset? Time, int LayerIndex, int Chunk)
    : JobEventMessage(JobId, Sequence, Time)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public override bool CarriesPayload => true;
}

public sealed record PhaseTime(string Phase, long Ms);

public sealed record CompletedEvent(string JobId, ulong Sequence, DateTimeOffset? Time, int LayerCount, IReadOnlyList<PhaseTime> Timings)
    : JobEventMessage(JobId, Sequence, Time);

public sealed record FailedEvent(string JobId, ulong Sequence, DateTimeOffset? Time, int StatusCode, string Message)
    : JobEventMessage(JobId, Sequence, Time);

public sealed record CancelledEvent(string JobId, ulong Sequence, DateTimeOffset? Time, string Reason)
    : JobEventMessage(JobId, Sequence, Time);
