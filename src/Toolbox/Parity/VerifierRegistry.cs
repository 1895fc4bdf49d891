namespace QwenLayered.Toolbox.Parity;

/// <summary>The implemented components. Add a verifier here when a component lands.</summary>
public static class VerifierRegistry
{
    public static IReadOnlyList<ComponentVerifier> All { get; } =
    [
        new VaeVerifier(),
        new TransformerVerifier(),
        new TokenizerVerifier(),
        new TextEncoderVerifier(),
        new PromptPostprocessVerifier(),
        new PipelineVerifier(),
        new SchedulerVerifier(),
        new SizingVerifier(),
        new VisionVerifier(),
        new CaptionVerifier(),
    ];

    public static ComponentVerifier? Find(string component) => All.FirstOrDefault(v => v.Component == component);
}
