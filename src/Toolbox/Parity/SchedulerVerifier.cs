using QwenLayered.Engine.ModelFolders;
using QwenLayered.Engine.Sampling;
using static TorchSharp.torch;

namespace QwenLayered.Toolbox.Parity;

/// <summary>
/// <c>scheduler</c> cases: for every run of <c>runner_call.runs</c> (steps, condition tokens), μ, the input sigma grid,
/// the timesteps and sigmas, and a whole Euler chain driven by the stored model outputs.
/// </summary>
public sealed class SchedulerVerifier() : ComponentVerifier("scheduler")
{
    protected override IEnumerable<ParityResult> Run(FixtureCase fixture, Device device, ScalarType dtype)
    {
        var config = ConfigFile.FromElement<SchedulerConfig>(fixture.ManifestPath, fixture.Config);
        var runs = fixture.Manifest.GetProperty("runner_call").GetProperty("runs").EnumerateArray().ToList();
        var produced = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        for (int r = 0; r < runs.Count; r++)
        {
            int steps = runs[r].GetProperty("num_inference_steps").GetInt32();
            int tokens = runs[r].GetProperty("image_seq_len").GetInt32();
            float mu = FlowMatchEulerScheduler.Mu(tokens);
            var schedule = FlowMatchEulerScheduler.Create(config, steps, mu);
            produced[$"run{r}.mu"] = tensor(new[] { mu });
            produced[$"run{r}.calculate_shift_unused"] = tensor(new[] { QwenImageShift(tokens) });
            produced[$"run{r}.input_sigmas"] = tensor(FlowMatchEulerScheduler.LinearGrid(steps));
            produced[$"run{r}.timesteps"] = tensor(schedule.Timesteps);
            produced[$"run{r}.sigmas"] = tensor(schedule.Sigmas);
            var sample = fixture.Input($"run{r}.sample0", dtype, device);
            for (int i = 0; i < steps; i++)
            {
                sample = schedule.Step(fixture.Input($"run{r}.model_output{i}", dtype, device), i, sample);
                produced[$"run{r}.step{i}.prev_sample"] = sample;
            }
        }
        return fixture.CheckProduced(produced);
    }

    // The fixture also stores what the reference module's calculate_shift() returns with its own defaults (μ linear
    // in the token count, from 0.5 at 256 tokens to 1.15 at 4096: Qwen-Image's rule). The layered pipeline never uses
    // it; reproducing it shows the token counts were read as the reference read them.
    private static float QwenImageShift(int tokens)
    {
        const double BaseTokens = 256, MaxTokens = 4096, BaseShift = 0.5, MaxShift = 1.15;
        double slope = (MaxShift - BaseShift) / (MaxTokens - BaseTokens);
        return (float)(tokens * slope + BaseShift - slope * BaseTokens);
    }
}
