using QwenLayered.Engine.Imaging;
using QwenLayered.Engine.Pipeline;
using QwenLayered.Engine.QwenVL;

namespace QwenLayered.Engine.Tests.QwenVL;

public class PromptSourceTests
{
    [Theory]
    [InlineData(null, true)]
    [InlineData("", true)]
    [InlineData(" ", true)]
    [InlineData("  ", false)]
    [InlineData("a red car", false)]
    public void NeedsCaption_PromptText_AsTheReferenceTestsIt(string? prompt, bool expected)
    {
        Assert.Equal(expected, PromptSource.NeedsCaption(prompt));
    }

    [Fact]
    public void Resolve_UserPrompt_ReturnsItWithoutCaptioning()
    {
        using var folder = new TempFolder();
        using var captioner = TinyCaptionModel.NewCaptioner(ByteLevelTokenizer.Create(folder, 300), () => throw new InvalidOperationException("no model"),
            GenerationSettings.Greedy());
        var image = new RgbaImage(8, 8, new byte[8 * 8 * 4]);

        var (prompt, caption) = PromptSource.Resolve("a red car", image, WorkingSize.For(8, 8, 640, 8), captioner, CaptionLanguage.English,
            TestContext.Current.CancellationToken);

        Assert.Equal("a red car", prompt);
        Assert.Null(caption);
    }

    [Fact]
    public void Resolve_EmptyPrompt_CaptionsTheImageAtItsWorkingSize()
    {
        using var folder = new TempFolder();
        using var captioner = TinyCaptionModel.NewCaptioner(ByteLevelTokenizer.Create(folder, TinyCaptionModel.Config.Text.VocabSize), () => { },
            GenerationSettings.Greedy() with { MaxNewTokens = 2 });
        var image = new RgbaImage(8, 8, Enumerable.Repeat((byte)200, 8 * 8 * 4).ToArray());

        var (prompt, caption) = PromptSource.Resolve("", image, WorkingSize.For(8, 8, 640, 8), captioner, CaptionLanguage.Chinese,
            TestContext.Current.CancellationToken);

        Assert.NotNull(caption);
        Assert.Equal(caption.Text, prompt);
        Assert.Equal(1, captioner.ModelRuns);
    }
}
