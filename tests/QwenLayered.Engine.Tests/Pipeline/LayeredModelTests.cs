using QwenLayered.Engine.Imaging;
using QwenLayered.Engine.Pipeline;

namespace QwenLayered.Engine.Tests.Pipeline;

public class LayeredModelTests(TinyModel tiny)
{
    private static readonly RgbaImage Image = new(32, 32, Enumerable.Repeat((byte)200, 32 * 32 * 4).ToArray());

    [Fact]
    public void Decompose_Request_EncodesPromptsAndReportsTextEncodingFirst()
    {
        using var model = LayeredModel.Load(tiny.Folder, TorchSharp.torch.ScalarType.Float32, TorchSharp.torch.CPU);
        var request = new DecompositionRequest(Image, "a grey square", new DecompositionSettings { Layers = 1, Steps = 1 });

        var result = model.Decompose(request, cancellation: TestContext.Current.CancellationToken);

        Assert.Equal(["text_encoding", "vae_encode", "sampling", "vae_decode", "total"], result.Timings.Select(t => t.Phase));
        Assert.Equal("a grey square", result.Prompt);
        Assert.Equal((640, 640), (result.Width, result.Height));
        Assert.Equal(2, model.Prompts.EncoderPasses); // the prompt and the negative prompt " "
    }

    [Fact]
    public void Decompose_EmptyPromptWithoutVisionTower_AsksForADescription()
    {
        using var model = LayeredModel.Load(tiny.Folder, TorchSharp.torch.ScalarType.Float32, TorchSharp.torch.CPU);
        var request = new DecompositionRequest(Image, "", new DecompositionSettings());

        var error = Assert.Throws<ArgumentException>(() => model.Decompose(request, cancellation: TestContext.Current.CancellationToken));
        Assert.Null(model.Captioner);
        Assert.Contains("cannot caption images", error.Message);
        Assert.Contains("describe the image", error.Message);
    }
}
