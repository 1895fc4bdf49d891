using QwenLayered.Engine.Pipeline;
using QwenLayered.Engine.Sampling;
using static TorchSharp.torch;

namespace QwenLayered.Toolbox.Parity;

/// <summary>
/// <c>pipeline_sizing</c> cases: for every input size and resolution of the call, one row of the reference table
/// (input W, H, resolution, calculated W, H, W, H, latent h, w, tokens per frame, condition tokens, μ).
/// </summary>
public sealed class SizingVerifier() : ComponentVerifier("pipeline_sizing")
{
    protected override IEnumerable<ParityResult> Run(FixtureCase fixture, Device device, ScalarType dtype)
    {
        var call = fixture.Manifest.GetProperty("call");
        var resolutions = call.GetProperty("resolutions").EnumerateArray().Select(r => r.GetInt32()).ToList();
        int vaeScaleFactor = call.GetProperty("vae_scale_factor").GetInt32();
        var rows = new List<float>();
        foreach (var input in call.GetProperty("input_sizes").EnumerateArray())
        {
            int width = input[0].GetInt32(), height = input[1].GetInt32();
            foreach (int resolution in resolutions)
            {
                var size = WorkingSize.For(width, height, resolution, vaeScaleFactor);
                // The working size is already a multiple of 32, so the "calculated" and final sizes coincide.
                rows.AddRange([width, height, resolution, size.Width, size.Height, size.Width, size.Height,
                    size.LatentHeight, size.LatentWidth, size.TokensPerFrame, size.TokensPerFrame, FlowMatchEulerScheduler.Mu(size.TokensPerFrame)]);
            }
        }
        using var table = tensor(rows.ToArray()).reshape(-1, 12);
        return fixture.CheckProduced(new Dictionary<string, Tensor> { ["table"] = table });
    }
}
