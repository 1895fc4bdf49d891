using QwenLayered.Engine.Imaging;
using QwenLayered.Engine.ModelFolders;
using QwenLayered.Engine.Pipeline;
using QwenLayered.Engine.Tests.Elements;
using QwenLayered.Engine.Weights;
using QwenLayered.Tests;
using QwenLayered.Toolbox.RandomModels;
using TorchSharp;

namespace QwenLayered.Engine.Tests.Pipeline;

public class LayeredModelTests(TinyModel tiny)
{
    private static readonly RgbaImage Image = new(32, 32, Enumerable.Repeat((byte)200, 32 * 32 * 4).ToArray());
    // At the working size, whose choice these tests check through the result's size.
    private static readonly DecompositionSettings OneStep = new() { Layers = 1, Steps = 1, FullResolution = false };
    private static readonly RgbaImage TwoSquares = TestImages.TwoSquares(32);

    private static DecompositionResult Decompose(LayeredModel model, DecompositionRequest request, Action<DecompositionEvent>? onEvent = null) =>
        model.Decompose(request, onEvent, TestContext.Current.CancellationToken);

    [Fact]
    public void Decompose_Prompt_EncodesPromptsAndReportsTextEncodingFirst()
    {
        using var model = LayeredModel.Load(tiny.Folder, torch.ScalarType.Float32, torch.CPU);
        var events = new List<DecompositionEvent>();

        var result = Decompose(model, model.Policy.Request(Image, "a grey square", OneStep), events.Add);

        Assert.Equal(new PromptReady("a grey square", Captioned: false, Layers: 1), events[0]);
        Assert.Equal(["text_encoding", "vae_encode", "sampling", "vae_decode", "total"], result.Timings.Select(t => t.Phase));
        Assert.Equal((640, 640), (result.Width, result.Height));
        Assert.Equal("a grey square", result.Prompt);
        Assert.Equal(2, model.Prompts.EncoderPasses); // the prompt and the negative prompt " "
    }

    [Fact]
    public void Decompose_EmptyPrompt_CaptionsTheImageAndUsesTheCaption()
    {
        using var model = LayeredModel.Load(tiny.Folder, torch.ScalarType.Float32, torch.CPU);
        var events = new List<DecompositionEvent>();

        var result = Decompose(model, model.Policy.Request(Image, "", OneStep), events.Add);

        var ready = Assert.IsType<PromptReady>(events[0]);
        Assert.True(ready.Captioned);
        Assert.True(result.Captioned);
        Assert.Equal(ready.Prompt, result.Prompt);
        Assert.Equal(["captioning", "text_encoding", "vae_encode", "sampling", "vae_decode", "total"], result.Timings.Select(t => t.Phase));
        Assert.Equal(1 + result.Layers.Count, model.Captioner!.ModelRuns); // the caption, then each layer's name
        Assert.True(model.Captioner.ModelLoaded);
    }

    [Fact]
    public void Decompose_EmptyPrompt_CaptionsAndEncodesWithTheLanguageModelLoadedOnce()
    {
        using var model = LayeredModel.Load(tiny.Folder, torch.ScalarType.Float32, torch.CPU);

        Decompose(model, model.Policy.Request(Image, "", OneStep)); // captions the image, then encodes the caption

        // Every parameter the captioner and the prompt encoder hold, each tensor once, against the text encoder's checkpoint.
        long held = model.Prompts.ModulesInMemory.Concat(model.Captioner!.ModulesInMemory)
            .SelectMany(module => module.parameters()).DistinctBy(parameter => parameter.Handle).Sum(parameter => parameter.numel());
        using var checkpoint = Checkpoint.Open(Path.Combine(tiny.Folder, "text_encoder"));
        Assert.Equal(checkpoint.Tensors.Values.Sum(tensor => tensor.Shape.Aggregate(1L, (count, size) => count * size)), held);
    }

    [Fact]
    public void Decompose_EmptyPromptOnceLoaded_MakesEveryTensorInsideADisposeScope()
    {
        // A tensor outside a scope lives until its finalizer, which may run while libtorch still reads it.
        using var model = LayeredModel.Load(tiny.Folder, torch.ScalarType.Float32, torch.CPU);
        Decompose(model, model.Policy.Request(Image, "", OneStep)); // loads the captioner
        var darker = Image with { Pixels = [.. Image.Pixels.Select(v => (byte)(v / 2))] };
        long createdOutside = DisposeScopeManager.Statistics.CreatedOutsideScopeCount;

        var result = Decompose(model, model.Policy.Request(darker, "", OneStep));

        Assert.True(result.Captioned);
        Assert.Equal(createdOutside, DisposeScopeManager.Statistics.CreatedOutsideScopeCount);
    }

    [Fact]
    public void Decompose_EmptyPromptWhenMemoryIsShort_UnloadsTheCaptionerAfterCaptioning()
    {
        using var model = LayeredModel.Load(tiny.Folder, torch.ScalarType.Float32, torch.CPU, QwenLayered.Engine.QwenVL.Language.TextEncoderResidency.Unload);

        var result = Decompose(model, model.Policy.Request(Image, "", OneStep));

        Assert.Equal(1 + result.Layers.Count, model.Captioner!.ModelRuns); // the caption, then each layer's name
        Assert.False(model.Captioner.ModelLoaded);
    }

    [Fact]
    public void Decompose_ModelThatCaptions_NamesEachLayerInItsEventAndResult()
    {
        using var model = LayeredModel.Load(tiny.Folder, torch.ScalarType.Float32, torch.CPU);
        var events = new List<DecompositionEvent>();

        var result = Decompose(model, model.Policy.Request(Image, "a grey square", OneStep with { Layers = 2 }), events.Add);

        Assert.Equal(2, result.Layers.Count);
        Assert.All(result.Layers, layer => Assert.False(string.IsNullOrWhiteSpace(layer.Name)));
        Assert.Equal(result.Layers.Select(layer => layer.Name), events.OfType<DecodedLayer>().Select(layer => layer.Name));
    }

    [Fact]
    public void Decompose_AutomaticLayers_SamplesTheChosenCountAndReportsItFirst()
    {
        using var model = LayeredModel.Load(tiny.Folder, torch.ScalarType.Float32, torch.CPU);
        var events = new List<DecompositionEvent>();
        var settings = OneStep with { Layers = 10, AutomaticLayers = true };
        var working = ImagePreprocessing.ToWorkingSize(TwoSquares, model.Policy.WorkingSize(TwoSquares.Width, TwoSquares.Height, 0));
        var choice = model.ChooseLayerCount(working, QwenLayered.Engine.QwenVL.CaptionLanguage.English, 10, TestContext.Current.CancellationToken);

        var result = Decompose(model, model.Policy.Request(TwoSquares, "two squares", settings), events.Add);

        Assert.Equal(choice.Layers, Assert.IsType<PromptReady>(events[0]).Layers);
        Assert.True(choice.Layers < 10, $"The image has fewer elements than 10; {choice.Layers} were chosen.");
        Assert.InRange(result.Layers.Count, 1, choice.Layers);
        Assert.Equal(Enumerable.Range(0, result.Layers.Count), result.Layers.Select(layer => layer.Index));
        Assert.Contains("layer_count", result.Timings.Select(t => t.Phase));
    }

    [Fact]
    public void Decompose_AutomaticLayersWithoutVisionTower_CountsTheImagesRegionsAndLeavesLayersUnnamed()
    {
        using var folder = new TempFolder();
        RandomModelFolder.Write(folder.Path, RandomModelConfigs.Tiny(Repository.Tokenizer) with { Vision = null }, seed: 1);
        using var model = LayeredModel.Load(folder.Path, torch.ScalarType.Float32, torch.CPU);
        var events = new List<DecompositionEvent>();

        var result = Decompose(model, model.Policy.Request(TwoSquares, "two squares", OneStep with { Layers = 10, AutomaticLayers = true }), events.Add);

        Assert.Equal(3, Assert.IsType<PromptReady>(events[0]).Layers); // the background and two squares
        Assert.All(result.Layers, layer => Assert.Null(layer.Name));
    }

    [Fact]
    public void Decompose_EmptyPromptWithoutVisionTower_AsksForADescription()
    {
        using var folder = new TempFolder();
        RandomModelFolder.Write(folder.Path, RandomModelConfigs.Tiny(Repository.Tokenizer) with { Vision = null }, seed: 1);
        using var model = LayeredModel.Load(folder.Path, torch.ScalarType.Float32, torch.CPU);

        var error = Assert.Throws<ArgumentException>(() => Decompose(model, model.Policy.Request(Image, "", new DecompositionSettings())));

        Assert.Null(model.Captioner);
        Assert.Contains("cannot caption images", error.Message);
        Assert.Contains("describe the image", error.Message);
    }

    [Fact]
    public void Decompose_ModelTrainedWithTheEmptyPrompt_UsesItAsItIsAtTheProfilesResolution()
    {
        using var folder = new TempFolder();
        using var model = ModelWithProfile(folder, """{ "resolutions": [64, 128], "trained_with_empty_prompt": true }""");

        var result = Decompose(model, model.Policy.Request(Image, "", OneStep));
        var error = Assert.Throws<ArgumentException>(() => Decompose(model, model.Policy.Request(Image, "", OneStep, resolution: 640)));

        Assert.Equal(("", false), (result.Prompt, result.Captioned));
        Assert.Equal((64, 64), (result.Width, result.Height));
        Assert.Contains("use 64 or 128", error.Message);
    }

    [Theory]
    [InlineData(3000, 150, 280, 14)] // works at 256x16, one patch high: the reference's rounding leaves it none
    [InlineData(300, 170, 104, 59)] // works at 96x64, 15% squashed
    public void Decompose_AspectRatioTheWorkingSizeBends_ReturnsLayersOfTheInputsAspectRatio(int width, int height, int outputWidth, int outputHeight)
    {
        using var folder = new TempFolder();
        using var model = ModelWithProfile(folder, """{ "resolutions": [64] }""");
        var image = new RgbaImage(width, height, Enumerable.Repeat((byte)200, width * height * 4).ToArray());

        var result = Decompose(model, model.Policy.Request(image, "a grey stripe", OneStep));

        Assert.Equal((outputWidth, outputHeight), (result.Width, result.Height));
        var layer = Assert.Single(result.Layers);
        Assert.True(layer.X + layer.Width <= outputWidth && layer.Y + layer.Height <= outputHeight, $"The layer is {layer.Width}x{layer.Height} at ({layer.X}, {layer.Y}).");
    }

    // A tiny model without a vision tower, run as its qwenlayered.json says.
    private LayeredModel ModelWithProfile(TempFolder folder, string profile)
    {
        RandomModelFolder.Write(folder.Path, RandomModelConfigs.Tiny(Repository.Tokenizer) with { Vision = null }, seed: 1);
        File.WriteAllText(Path.Combine(folder.Path, ModelProfile.FileName), profile);
        return LayeredModel.Load(folder.Path, torch.ScalarType.Float32, torch.CPU);
    }
}
