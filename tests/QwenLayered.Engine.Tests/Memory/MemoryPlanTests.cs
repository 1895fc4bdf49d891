using QwenLayered.Engine.Memory;
using QwenLayered.Engine.QwenVL;
using QwenLayered.Engine.QwenVL.Language;
using QwenLayered.Engine.Transformer;
using QwenLayered.Engine.Vae;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Tests.Memory;

public class MemoryPlanTests
{
    private static readonly ModelShapes Published = new(QwenImageTransformerConfig.QwenImageLayered, new AutoencoderKLQwenImageConfig { InputChannels = 4 },
        Qwen25VLTextConfig.Qwen25VL7B, Qwen25VLConfig.Qwen25VL7B);

    // About what the CPU measures (bytes per element of one [rows, tokens, width] activation); the plan's arithmetic is under test here.
    private static readonly ActivationFit Fit = new(BytesPerUnit: 18, Intercept: 0);

    [Fact]
    public void Plan_PublishedModel_CountsTheWeightsOfEachLayoutOnTheMetaDevice()
    {
        var plan = MemoryPlanner.Plan(Published, ScalarType.BFloat16, 640, 4, deviceMemory: null, Fit);

        var resident = plan.For(MemoryMode.Resident);
        // 20.43B transformer parameters in bf16 (docs/benchmarks.md); Qwen2.5-VL-7B's language model, vision tower and lm_head.
        Assert.InRange(resident.TransformerWeights, 40.8e9, 40.9e9);
        Assert.Equal(2L * (7_070_619_136 + 676_550_144 + 544_997_376), resident.TextEncoder);
        Assert.Equal(resident.TransformerWeights, plan.For(MemoryMode.TextOffload).TransformerWeights);
        // int8 blocks: about half.
        Assert.InRange(plan.For(MemoryMode.Quantized).TransformerWeights, 0.5 * resident.TransformerWeights, 0.52 * resident.TransformerWeights);
        // Streamed: the modules outside the blocks and two block slots on the device, the 60 blocks on the host.
        var streamed = plan.For(MemoryMode.Streamed);
        Assert.InRange(streamed.TransformerWeights, 2 * 0.6e9, 2 * 0.7e9 + 0.2e9);
        Assert.Equal(streamed.TransformerWeights + streamed.Host - streamed.TextEncoder - 2 * resident.TransformerWeights / 60,
            resident.TransformerWeights, 0.01 * resident.TransformerWeights);
    }

    [Fact]
    public void Plan_PublishedModelAt640FourLayers_FitsTwentyFourGiBStreamedAndFortyEightGiBQuantized()
    {
        var at24 = MemoryPlanner.Plan(Published, ScalarType.BFloat16, 640, 4, 24L << 30, Fit);
        var at48 = MemoryPlanner.Plan(Published, ScalarType.BFloat16, 640, 4, 48L << 30, Fit);

        Assert.Equal(MemoryMode.Streamed, at24.FastestFitting);
        Assert.Equal(MemoryMode.Quantized, at48.FastestFitting);
        Assert.False(at48.Fits(at48.For(MemoryMode.TextOffload)));
    }

    [Fact]
    public void Plan_ResidentMode_CountsTextEncoderAndActivationsTogetherOthersTheLarger()
    {
        var plan = MemoryPlanner.Plan(Published, ScalarType.BFloat16, 640, 4, null, Fit);

        var resident = plan.For(MemoryMode.Resident);
        var offload = plan.For(MemoryMode.TextOffload);
        Assert.Equal(resident.TransformerWeights + resident.VaeWeights + resident.TextEncoder + resident.Activations, resident.DevicePeak);
        Assert.Equal(offload.TransformerWeights + offload.VaeWeights + Math.Max(offload.TextEncoder, offload.Activations), offload.DevicePeak);
        Assert.Equal(offload.TextEncoder, offload.Host);
        Assert.Null(plan.Fits(resident));
    }

    [Fact]
    public void Plan_ActivationsGrowWithResolutionAndLayers()
    {
        long At(int resolution, int layers) => MemoryPlanner.Plan(Published, ScalarType.BFloat16, resolution, layers, null, Fit).For(MemoryMode.Resident).Activations;

        Assert.True(At(1024, 4) > 2 * At(640, 4));
        Assert.True(At(640, 8) > At(640, 4));
    }

    [Theory]
    [InlineData("24GiB", 24L << 30)]
    [InlineData("48 GB", 48_000_000_000L)]
    [InlineData("81920MiB", 80L << 30)]
    [InlineData("80g", 80L << 30)]
    [InlineData("1024", 1024L)]
    public void ParseSize_CommonForms_GiveBytes(string text, long bytes) => Assert.Equal(bytes, MemoryPlan.ParseSize(text));

    [Theory]
    [InlineData("lots")]
    [InlineData("24 parsecs")]
    [InlineData("-1GiB")]
    public void ParseSize_NotASize_SaysHowToWriteOne(string text) =>
        Assert.Contains("write it like 24GiB", Assert.Throws<ArgumentException>(() => MemoryPlan.ParseSize(text)).Message);
}
