using QwenLayered.Engine.ModelFolders;
using QwenLayered.Engine.QwenVL;
using QwenLayered.Engine.QwenVL.Vision;
using QwenLayered.Engine.Weights;
using static TorchSharp.torch;

namespace QwenLayered.Toolbox.Parity;

/// <summary>
/// <c>vision</c> cases: for every run (<c>{run}.pixel_values</c>, <c>{run}.image_grid_thw</c>) the Qwen2.5-VL vision
/// tower from the manifest's config and the case's <c>visual.*</c> weights → merged image embeddings and every stored
/// intermediate (patch embeddings, each block's output, <c>ln_q</c>, the merger's first layer), plus the exact integer
/// rotary positions, window index and window boundaries.
/// </summary>
public sealed class VisionVerifier() : ComponentVerifier("vision")
{
    protected override IEnumerable<ParityResult> Run(FixtureCase fixture, Device device, ScalarType dtype)
    {
        var config = ConfigFile.FromElement<Qwen25VLVisionConfig>(fixture.ManifestPath, fixture.Config);
        using var tower = new Qwen25VisionTransformer(config, device, dtype);
        using (var checkpoint = Checkpoint.Open(fixture.WeightsPath))
            tower.LoadMapped(checkpoint, name => "visual." + name, _ => false, "the vision tower");
        tower.eval();

        var produced = new Dictionary<string, Tensor>();
        foreach (string run in fixture.OutputNames.Select(output => FixtureRuns.Split(output).Run).Distinct())
        {
            var grids = Grids(fixture.Input(run + "image_grid_thw", ScalarType.Int64, CPU));
            var pixels = fixture.Input(run + "pixel_values", dtype, device);
            produced[run + "image_embeds"] = tower.forward(pixels, grids, (name, value) => produced[run + name] = value.alias().DetachFromDisposeScope());
            var windows = VisionWindows.For(grids, config.SpatialMergeSize, config.MergedWindowSize);
            produced[run + "rot_pos_ids"] = tensor(windows.RotaryPositions).view(-1, 2);
            produced[run + "window_index"] = tensor(windows.WindowIndex);
            produced[run + "cu_window_seqlens"] = tensor(windows.WindowBoundaries);
        }

        try
        {
            return [.. fixture.OutputNames.Select(output => produced.TryGetValue(output, out var actual)
                ? fixture.Check(output, actual)
                : ParityResult.Failure(fixture.Name, Component, output, "the vision verifier does not produce this output"))];
        }
        finally
        {
            foreach (var value in produced.Values) value.Dispose();
        }
    }

    /// <summary><c>image_grid_thw</c> <c>[images, 3]</c> → one grid per image.</summary>
    internal static ImageGrid[] Grids(Tensor gridThw)
    {
        var values = gridThw.to(ScalarType.Int64).data<long>().ToArray();
        return [.. Enumerable.Range(0, values.Length / 3).Select(i => new ImageGrid((int)values[3 * i], (int)values[3 * i + 1], (int)values[3 * i + 2]))];
    }
}
