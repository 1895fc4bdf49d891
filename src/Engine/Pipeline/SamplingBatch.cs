using QwenLayered.Engine.QwenVL;

namespace QwenLayered.Engine.Pipeline;

/// <summary>
/// Decompositions sampled together, sharing every transformer forward: the same working size, layer count, steps and
/// guidance, so their latents stack along the batch dimension. Images, prompts, seeds and supplied noise may differ.
/// </summary>
internal sealed class SamplingBatch
{
    private SamplingBatch(IReadOnlyList<DecompositionInput> inputs) => Inputs = inputs;

    public IReadOnlyList<DecompositionInput> Inputs { get; }

    public int Count => Inputs.Count;

    /// <summary>The settings every job shares (the first job's; seeds aside, all are equal).</summary>
    public DecompositionSettings Settings => Inputs[0].Settings;

    public WorkingSize Size => Inputs[0].Size;

    public IReadOnlyList<PromptEmbedding> Prompts => [.. Inputs.Select(i => i.Prompt)];

    /// <summary>Every job's negative prompt, or null when the jobs run without one.</summary>
    public IReadOnlyList<PromptEmbedding>? NegativePrompts => Inputs[0].NegativePrompt is null ? null : [.. Inputs.Select(i => i.NegativePrompt!)];

    /// <summary>Checks that <paramref name="inputs"/> can run as one batch; throws <see cref="ArgumentException"/> naming the first difference.</summary>
    public static SamplingBatch Of(IReadOnlyList<DecompositionInput> inputs)
    {
        if (inputs.Count == 0) throw new ArgumentException("A batch needs at least one job.", nameof(inputs));
        var first = inputs[0];
        first.Settings.Validate();
        for (int i = 1; i < inputs.Count; i++)
        {
            var job = inputs[i];
            if (job.Size != first.Size)
                throw new ArgumentException($"Job {i} works at {job.Size.Width}x{job.Size.Height} but job 0 at {first.Size.Width}x{first.Size.Height}; a batch shares one size.", nameof(inputs));
            if (job.Settings with { Seed = first.Settings.Seed } != first.Settings)
                throw new ArgumentException($"Job {i} has other settings than job 0 ({job.Settings} vs {first.Settings}); only the seed may differ in a batch.", nameof(inputs));
            if ((job.NegativePrompt is null) != (first.NegativePrompt is null))
                throw new ArgumentException($"Job {i} {(job.NegativePrompt is null ? "has no" : "has a")} negative prompt unlike job 0; a batch guides all jobs or none.", nameof(inputs));
        }
        return new SamplingBatch(inputs);
    }
}
