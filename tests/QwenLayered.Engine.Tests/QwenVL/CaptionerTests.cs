using QwenLayered.Engine.Imaging;
using QwenLayered.Engine.QwenVL;

namespace QwenLayered.Engine.Tests.QwenVL;

public class CaptionerTests
{
    [Fact]
    public void Caption_SameImageTwice_SecondComesFromTheCacheWithoutTheModel()
    {
        using var folder = new TempFolder();
        int loads = 0;
        using var captioner = NewCaptioner(folder, () => loads++);
        var image = Image(seed: 1);

        var first = captioner.Caption(image, CaptionLanguage.English, TestContext.Current.CancellationToken);
        var second = captioner.Caption(image, CaptionLanguage.English, TestContext.Current.CancellationToken);

        Assert.False(first.FromCache);
        Assert.True(second.FromCache);
        Assert.Equal(first.Text, second.Text);
        Assert.Equal(1, captioner.ModelRuns);
        Assert.Equal(1, loads);
    }

    [Fact]
    public void Caption_OtherLanguageOrOtherPixels_RunsTheModelAgain()
    {
        using var folder = new TempFolder();
        using var captioner = NewCaptioner(folder, () => { });

        captioner.Caption(Image(seed: 1), CaptionLanguage.English, TestContext.Current.CancellationToken);
        captioner.Caption(Image(seed: 1), CaptionLanguage.Chinese, TestContext.Current.CancellationToken);
        captioner.Caption(Image(seed: 2), CaptionLanguage.English, TestContext.Current.CancellationToken);

        Assert.Equal(3, captioner.ModelRuns);
    }

    [Fact]
    public void Caption_Progress_ReportsEveryTokenUpToTheCount()
    {
        using var folder = new TempFolder();
        using var captioner = NewCaptioner(folder, () => { });
        var reported = new List<int>();

        var result = captioner.Caption(Image(seed: 3), CaptionLanguage.English, TestContext.Current.CancellationToken, p => reported.Add(p.Tokens));

        Assert.Equal(Enumerable.Range(1, result.Tokens), reported);
    }

    [Fact]
    public void Ask_FewTokens_AnswersWithinThemAndCachesApartFromTheCaption()
    {
        using var folder = new TempFolder();
        using var captioner = NewCaptioner(folder, () => { });
        var image = Image(seed: 4);

        var answer = captioner.Ask(image, CaptionPrompts.LayerName(CaptionLanguage.English), maxNewTokens: 2, TestContext.Current.CancellationToken);
        var again = captioner.Ask(image, CaptionPrompts.LayerName(CaptionLanguage.English), maxNewTokens: 2, TestContext.Current.CancellationToken);
        captioner.Caption(image, CaptionLanguage.English, TestContext.Current.CancellationToken);

        Assert.InRange(answer.Tokens, 1, 2);
        Assert.True(again.FromCache);
        Assert.Equal(2, captioner.ModelRuns);
    }

    private static Captioner NewCaptioner(TempFolder folder, Action onLoad) =>
        TinyCaptionModel.NewCaptioner(ByteLevelTokenizer.Create(folder, TinyCaptionModel.Config.Text.VocabSize), onLoad,
            GenerationSettings.Greedy(TinyCaptionModel.ImEnd) with { MaxNewTokens = 4 });

    private static RgbaImage Image(int seed)
    {
        var random = new Random(seed);
        var pixels = new byte[60 * 50 * 4];
        random.NextBytes(pixels);
        return new RgbaImage(60, 50, pixels);
    }
}
