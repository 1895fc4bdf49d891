using Prometheus;

namespace QwenLayered.Server.Operations;

/// <summary>
/// What <c>/metrics</c> reports, in a registry of this server's own (not prometheus-net's static default), so two
/// servers in one process, as in tests, do not share counters.
/// </summary>
public sealed class ServerMetrics
{
    public ServerMetrics()
    {
        var factory = Metrics.WithCustomRegistry(Registry);
        QueueLength = factory.CreateGauge("qwenlayered_queue_length", "Jobs waiting, not counting running ones.");
        Jobs = factory.CreateCounter("qwenlayered_jobs_total", "Jobs by outcome: completed, failed, cancelled, refused (the queue or the artist's share of it full) or requeued (its worker's lease ran out).",
            new CounterConfiguration { LabelNames = ["outcome"] });
        StepSeconds = factory.CreateHistogram("qwenlayered_sampling_step_seconds", "Duration of one sampling step.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.01, 2, 12) });
        FirstPreviewSeconds = factory.CreateHistogram("qwenlayered_time_to_first_preview_seconds",
            "From submit to a job's first preview, queueing included.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.1, 2, 12) });
        ModelMemoryBytes = factory.CreateGauge("qwenlayered_model_memory_bytes", "Device memory held by the resident model's weights.");
    }

    public CollectorRegistry Registry { get; } = Metrics.NewCustomRegistry();
    public Gauge QueueLength { get; }
    public Counter Jobs { get; }
    public Histogram StepSeconds { get; }
    public Histogram FirstPreviewSeconds { get; }
    public Gauge ModelMemoryBytes { get; }
}
