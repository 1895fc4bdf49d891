using Google.Protobuf;
using QwenLayered.Contracts.V1;

namespace QwenLayered.Bridge.Protocol;

/// <summary>Translates between gRPC messages and panel messages; the one place that knows both shapes.</summary>
public static class JobEventMapping
{
    /// <param name="clientRequestId">Put on the accepted event so the panel learns which of its submits became this job.</param>
    public static PanelFrame ToPanel(JobEvent e, string? clientRequestId = null)
    {
        var (id, seq, time) = (e.JobId, e.Sequence, e.Time?.ToDateTimeOffset());
        return e.KindCase switch
        {
            JobEvent.KindOneofCase.Accepted => Text(new AcceptedEvent(id, seq, time, e.Accepted.QueuePosition, clientRequestId)),
            JobEvent.KindOneofCase.QueuePositionChanged => Text(new QueuePositionEvent(id, seq, time, e.QueuePositionChanged.QueuePosition)),
            JobEvent.KindOneofCase.Started => Text(new StartedEvent(id, seq, time, e.Started.Seed.ToString(),
                e.Started.Width, e.Started.Height, e.Started.Layers, e.Started.Steps, e.Started.Prompt)),
            JobEvent.KindOneofCase.Progress => Text(new ProgressEvent(id, seq, time, e.Progress.Step, e.Progress.TotalSteps,
                Milliseconds(e.Progress.Elapsed), Milliseconds(e.Progress.EstimatedRemaining))),
            JobEvent.KindOneofCase.Preview => new PanelFrame(new PreviewEvent(id, seq, time, e.Preview.Step, e.Preview.LayerIndex), e.Preview.Png.Memory),
            JobEvent.KindOneofCase.Layer => new PanelFrame(new LayerEvent(id, seq, time, e.Layer.Index, e.Layer.Name, ToPanel(e.Layer.Bounds),
                e.Layer.X, e.Layer.Y, e.Layer.Width, e.Layer.Height, e.Layer.BitsPerChannel == 16 ? 16 : 8, Math.Max(1, e.Layer.ChunkCount)), e.Layer.Png.Memory),
            JobEvent.KindOneofCase.LayerChunk => new PanelFrame(new LayerChunkEvent(id, seq, time, e.LayerChunk.LayerIndex, e.LayerChunk.Chunk), e.LayerChunk.Data.Memory),
            JobEvent.KindOneofCase.Completed => Text(new CompletedEvent(id, seq, time, e.Completed.LayerCount,
                [.. e.Completed.Timings.Select(t => new PhaseTime(t.Phase, Milliseconds(t.Duration)))])),
            JobEvent.KindOneofCase.Failed => Text(new FailedEvent(id, seq, time, e.Failed.StatusCode, e.Failed.Message)),
            JobEvent.KindOneofCase.Cancelled => Text(new CancelledEvent(id, seq, time, e.Cancelled.Reason)),
            _ => throw new ArgumentException($"Job event {seq} of job {id} has no kind this bridge knows; update the bridge.", nameof(e)),
        };
    }

    /// <exception cref="PanelFrameException">The submit's fields or payload do not make a request.</exception>
    public static DecomposeRequest ToRequest(SubmitMessage submit, ReadOnlyMemory<byte> payload)
    {
        var maskLength = submit.Region?.MaskLength ?? 0;
        if (maskLength < 0 || maskLength >= payload.Length)
            throw new PanelFrameException($"The submit says its mask has {maskLength} bytes, but the frame holds {payload.Length} payload bytes in all.");
        var request = new DecomposeRequest
        {
            Image = Shared(payload[..^maskLength]),
            Layers = submit.Layers,
            AutomaticLayers = submit.AutomaticLayers ?? false,
            Prompt = submit.Prompt ?? "",
            Steps = submit.Steps,
            GuidanceScale = submit.GuidanceScale,
            Resolution = submit.Resolution,
            ClientRequestId = submit.ClientRequestId,
            WorkingSize = submit.WorkingSize ?? false,
            SixteenBit = submit.SixteenBit ?? false,
        };
        if (submit.NegativePrompt is not null) request.NegativePrompt = submit.NegativePrompt;
        if (submit.Seed is not null)
            request.Seed = ulong.TryParse(submit.Seed, out var seed) ? seed
                : throw new PanelFrameException($"The seed '{submit.Seed}' is not a whole number from 0 to {ulong.MaxValue}.");
        if (submit.Preview is { } preview)
            request.Preview = new PreviewOptions { EverySteps = preview.EverySteps, MaxEdge = preview.MaxEdge };
        if (submit.Region is { } region)
            request.Region = new Region
            {
                Rect = new Rect { X = region.Rect.X, Y = region.Rect.Y, Width = region.Rect.Width, Height = region.Rect.Height },
                Mask = Shared(payload[^maskLength..]),
            };
        return request;
    }

    // A received frame's bytes are the session's own and never change, so the request shares them rather than copy them.
    private static ByteString Shared(ReadOnlyMemory<byte> bytes) => UnsafeByteOperations.UnsafeWrap(bytes);

    private static PanelFrame Text(PanelMessage message) => new(message, ReadOnlyMemory<byte>.Empty);

    private static PanelRect? ToPanel(Rect? r) => r is null || r.Width == 0 || r.Height == 0 ? null : new PanelRect(r.X, r.Y, r.Width, r.Height);

    private static long Milliseconds(Google.Protobuf.WellKnownTypes.Duration? d) => d is null ? 0 : (long)d.ToTimeSpan().TotalMilliseconds;
}
