namespace QwenLayered.Tools.ServerLoadCheck;

/// <summary>
/// How much load the check puts on the server, and for how long at most. <paramref name="Servers"/> above 1 start that
/// many servers in this process on one Redis (<c>Cluster:Redis</c>) of the check's own, each with its model and worker.
/// </summary>
public sealed record LoadSettings(int Artists, int JobsPerArtist, TimeSpan Duration, int Steps, int Layers, int QueueCapacity, int InFlightPerArtist,
    int Servers = 1);
