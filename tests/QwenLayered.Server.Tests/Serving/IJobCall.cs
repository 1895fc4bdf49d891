using QwenLayered.Contracts.V1;

namespace QwenLayered.Server.Tests.Serving;

/// <summary>A Decompose or Attach call as a test reads it, over the network (<see cref="JobStream"/>) or straight (<see cref="Services.DirectCall"/>).</summary>
public interface IJobCall : IDisposable
{
    /// <summary>Every event read so far.</summary>
    IReadOnlyList<JobEvent> Events { get; }

    /// <summary>The job's id, from the first event.</summary>
    string JobId { get; }

    /// <summary>Reads until an event of <paramref name="kind"/> arrives and returns it.</summary>
    Task<JobEvent> UntilAsync(JobEvent.KindOneofCase kind);

    /// <summary>Reads every remaining event; the last one is the job's outcome. Throws the call's error.</summary>
    Task<IReadOnlyList<JobEvent>> ToEndAsync();

    IEnumerable<JobEvent> OfKind(JobEvent.KindOneofCase kind);
}
