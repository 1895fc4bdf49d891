using QwenLayered.Engine.Imaging;
using QwenLayered.Engine.Pipeline;

namespace QwenLayered.Server.Jobs;

/// <summary>A checked decompose request with every default filled in: what the worker runs.</summary>
/// <param name="Image">The decoded input, already cropped to the requested region.</param>
/// <param name="NegativePrompt">Null turns true guidance off.</param>
public sealed record JobSpec(
    RgbaImage Image,
    WorkingSize Size,
    string Prompt,
    string? NegativePrompt,
    DecompositionSettings Settings);
