using QwenLayered.Engine.Transformer;
using TorchSharp;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Tests.Transformer;

public class TransformerLayoutTests
{
    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.BFloat16)]
    public void FromPretrained_Quantized_EveryBlockLinearHoldsInt8WeightsAndOneScalePerOutputChannel(ScalarType dtype)
    {
        using var folder = TinyFolder();
        using var dense = QwenImageTransformer2DModel.FromPretrained(folder.Path, dtype, CPU);

        using var quantized = QwenImageTransformer2DModel.FromPretrained(folder.Path, dtype, CPU, BlockWeights.Int8);

        for (int i = 0; i < quantized.Blocks.Count; i++)
        {
            var linears = quantized.Blocks[i].modules().OfType<TransformerLinear>().ToList();
            // Attention: 6 projections in, 2 out; 2 per MLP; 1 per modulation.
            Assert.Equal(14, linears.Count(l => l.IsQuantized));
            foreach (var (name, weight) in quantized.Blocks[i].state_dict().Where(w => w.Key.EndsWith(".weight") && w.Value.dim() == 2))
                Assert.True(weight.dtype == ScalarType.Int8, $"block {i} {name} is {weight.dtype}");
            // Each linear: int8 weights (1 byte) instead of dtype, plus one scale per output row in dtype.
            long linearWeights = linears.Sum(l => l.state_dict()["weight"].numel());
            long rows = linears.Sum(l => l.state_dict()["weight"].shape[0]);
            int size = dtype == ScalarType.Float32 ? 4 : 2;
            Assert.Equal(Bytes(dense.Blocks[i]) - linearWeights * (size - 1) + rows * size, Bytes(quantized.Blocks[i]));
        }
    }

    [Fact]
    public void Forward_Quantized_StaysWithinInt8RoundingOfTheDenseModel()
    {
        using var folder = TinyFolder();
        using var dense = QwenImageTransformer2DModel.FromPretrained(folder.Path, ScalarType.Float32, CPU);
        using var quantized = QwenImageTransformer2DModel.FromPretrained(folder.Path, ScalarType.Float32, CPU, BlockWeights.Int8);

        using var expected = dense.forward(TinyTransformer.Input());
        using var actual = quantized.forward(TinyTransformer.Input());

        double error = (actual - expected).abs().max().item<float>();
        double scale = expected.abs().max().item<float>();
        Assert.True(error > 0, "the quantized model computed exactly the dense result: it did not quantize");
        Assert.True(error < 0.05 * scale, $"max error {error} against outputs up to {scale}");
    }

    [Fact]
    public void Forward_Streamed_EqualsTheResidentModelExactly()
    {
        using var folder = TinyFolder();
        using var resident = QwenImageTransformer2DModel.FromPretrained(folder.Path, ScalarType.Float32, CPU);
        using var streamed = QwenImageTransformer2DModel.FromPretrained(folder.Path, ScalarType.Float32, CPU, BlockWeights.Host);

        using var expected = resident.forward(TinyTransformer.Input());
        using var actual = streamed.forward(TinyTransformer.Input());
        using var again = streamed.forward(TinyTransformer.Input());

        Assert.True(expected.allclose(actual, rtol: 0, atol: 0));
        Assert.True(expected.allclose(again, rtol: 0, atol: 0));
    }

    [Fact]
    public void Constructor_StreamedOntoTheMetaDevice_PutsTwoSlotsAndEverythingButTheBlocksOnTheDevice()
    {
        // The meta device stands in for a GPU (its blocks cannot move to the host: meta tensors hold no values).
        using var streamed = new QwenImageTransformer2DModel(TinyTransformer.Config, META, ScalarType.Float32,
            new TransformerLayout(BlockWeights.Host, META));

        Assert.Equal(2, streamed.StreamSlots.Count);
        Assert.Empty(streamed.StreamSlots.Intersect(streamed.Blocks));
        Assert.All(streamed.StreamSlots.SelectMany(b => b.parameters()), p => Assert.Equal(DeviceType.META, p.device_type));
        Assert.All(streamed.named_parameters().Where(p => !p.name.StartsWith("transformer_blocks.")), p => Assert.Equal(DeviceType.META, p.parameter.device_type));
    }

    [Fact]
    public void Forward_Streamed_RunsEveryBlockInADeviceSlotAndNoneFromTheHost()
    {
        using var streamed = new QwenImageTransformer2DModel(TinyTransformer.Config, CPU, ScalarType.Float32,
            new TransformerLayout(BlockWeights.Host, CPU));
        int fromHost = 0, fromSlots = 0;
        var hooks = streamed.Blocks.Select(b => b.register_forward_hook((_, _, _, _, _, _, output) => { fromHost++; return output; }))
            .Concat(streamed.StreamSlots.Select(b => b.register_forward_hook((_, _, _, _, _, _, output) => { fromSlots++; return output; })))
            .ToList();

        streamed.forward(TinyTransformer.Input()).Dispose();

        Assert.Equal(0, fromHost);
        Assert.Equal(TinyTransformer.Config.NumLayers, fromSlots);
        foreach (var hook in hooks) hook.remove();
    }

    [Fact]
    public void Forward_ResidentOnTheMetaDevice_KeepsItsBlocksThere()
    {
        using var resident = new QwenImageTransformer2DModel(TinyTransformer.Config, META, ScalarType.Float32);

        Assert.Empty(resident.StreamSlots);
        Assert.All(resident.Blocks.SelectMany(b => b.parameters()), p => Assert.Equal(DeviceType.META, p.device_type));
    }

    private static long Bytes(nn.Module module) => module.state_dict().Values.Sum(t => t.numel() * t.ElementSize);

    private static TempFolder TinyFolder()
    {
        var folder = new TempFolder();
        using var source = TinyTransformer.Create();
        TinyTransformer.WriteFolder(folder, source.state_dict());
        return folder;
    }
}
