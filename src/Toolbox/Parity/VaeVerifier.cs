using QwenLayered.Engine.ModelFolders;
using QwenLayered.Engine.Vae;
using QwenLayered.Engine.Weights;
using static TorchSharp.torch;

namespace QwenLayered.Toolbox.Parity;

/// <summary>
/// <c>vae</c> cases: encode <c>input.image</c> (posterior parameters, mean, clamped logvar, std), decode the posterior
/// mean, and decode <c>input.latents</c> when the case has it. Every output the manifest lists is checked; one this
/// verifier does not produce is a failure, not a skip.
/// </summary>
public sealed class VaeVerifier() : ComponentVerifier("vae")
{
    protected override IEnumerable<ParityResult> Run(FixtureCase fixture, Device device, ScalarType dtype)
    {
        var config = ConfigFile.FromElement<AutoencoderKLQwenImageConfig>(fixture.ManifestPath, fixture.Config);
        using var vae = new AutoencoderKLQwenImage(config, device, dtype);
        using (var checkpoint = Checkpoint.Open(fixture.WeightsPath)) vae.LoadWeights(checkpoint, dtype, device);

        using var posterior = vae.Encode(fixture.Input("image", dtype, device));
        var produced = new Dictionary<string, Tensor>
        {
            ["posterior_parameters"] = posterior.Parameters,
            ["posterior_mean"] = posterior.Mean,
            ["posterior_logvar"] = posterior.LogVar,
            ["posterior_std"] = posterior.Std,
            ["decoded_from_mean"] = vae.Decode(posterior.Mean),
        };
        if (fixture.InputNames.Contains("latents"))
            produced["decoded_from_latents"] = vae.Decode(fixture.Input("latents", dtype, device));
        return fixture.CheckProduced(produced);
    }
}
