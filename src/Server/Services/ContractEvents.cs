using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using QwenLayered.Contracts.V1;
using QwenLayered.Server.Jobs;

namespace QwenLayered.Server.Services;

/// <summary>A job's events as the contract sends them. Image bytes are shared with the job's event, not copied.</summary>
public static class ContractEvents
{
    public static JobEvent ToContract(string jobId, JobUpdate update)
    {
        // Times are UTC: the job's log stamps them so (an unstamped one is the zero time).
        var time = Timestamp.FromDateTime(DateTime.SpecifyKind(update.Time, DateTimeKind.Utc));
        var message = new JobEvent { Sequence = update.Sequence, JobId = jobId, Time = time };
        switch (update)
        {
            case JobAccepted e: message.Accepted = new Accepted { QueuePosition = e.QueuePosition }; break;
            case JobQueuePositionChanged e: message.QueuePositionChanged = new QueuePositionChanged { QueuePosition = e.QueuePosition }; break;
            case JobStarted e:
                message.Started = new Started { Seed = e.Seed, Width = e.Width, Height = e.Height, Layers = e.Layers, Steps = e.Steps, Prompt = e.Prompt };
                break;
            case JobProgress e:
                message.Progress = new Progress
                {
                    Step = e.Step, TotalSteps = e.TotalSteps,
                    Elapsed = Duration.FromTimeSpan(e.Elapsed), EstimatedRemaining = Duration.FromTimeSpan(e.EstimatedRemaining),
                };
                break;
            case JobPreview e: message.Preview = new Preview { Step = e.Step, LayerIndex = e.LayerIndex, Png = Shared(e.Png) }; break;
            case JobLayer e:
                message.Layer = new Layer
                {
                    Index = e.Index, Name = e.Name, Png = Shared(e.Png), X = e.X, Y = e.Y, Width = e.Width, Height = e.Height,
                    BitsPerChannel = e.BitsPerChannel, ChunkCount = e.ChunkCount,
                };
                if (e.Bounds is { } b) message.Layer.Bounds = new Rect { X = b.X, Y = b.Y, Width = b.Width, Height = b.Height };
                break;
            case JobLayerChunk e: message.LayerChunk = new LayerChunk { LayerIndex = e.LayerIndex, Chunk = e.Chunk, Data = Shared(e.Data) }; break;
            case JobCompleted e:
                message.Completed = new Completed { LayerCount = e.LayerCount };
                message.Completed.Timings.AddRange(e.Timings.Select(t => new PhaseTiming { Phase = t.Phase, Duration = Duration.FromTimeSpan(t.Duration) }));
                break;
            case JobFailed e: message.Failed = new Failed { StatusCode = (int)CodeOf(e.Failure), Message = e.Message }; break;
            case JobCancelled e: message.Cancelled = new Cancelled { Reason = e.Reason }; break;
            default: throw new ArgumentException($"{update.GetType().Name} has no JobEvent kind in the contract.", nameof(update));
        }
        return message;
    }

    // A job's images are written once and never changed, so the message may share them.
    private static ByteString Shared(ReadOnlyMemory<byte> png) => UnsafeByteOperations.UnsafeWrap(png);

    private static StatusCode CodeOf(JobFailure failure) => failure switch
    {
        JobFailure.BadInput => StatusCode.InvalidArgument,
        JobFailure.OutOfMemory => StatusCode.ResourceExhausted,
        _ => StatusCode.Internal,
    };
}
