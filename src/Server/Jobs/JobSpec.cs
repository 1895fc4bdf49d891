using QwenLayered.Engine.Pipeline;

namespace QwenLayered.Server.Jobs;

/// <summary>A checked decompose request with every default filled in: what the worker runs.</summary>
/// <param name="Input">The input image, still encoded; the worker decodes it when the job starts.</param>
/// <param name="NegativePrompt">Null turns true guidance off.</param>
public sealed record JobSpec(
    JobInput Input,
    WorkingSize Size,
    string Prompt,
    string? NegativePrompt,
    DecompositionSettings Settings);
