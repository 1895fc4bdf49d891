namespace QwenLayered.Tools.ServerLoadCheck;

/// <summary>How much load the check puts on the server, and for how long at most.</summary>
public sealed record LoadSettings(int Artists, int JobsPerArtist, TimeSpan Duration, int Steps, int Layers, int QueueCapacity, int InFlightPerArtist);
