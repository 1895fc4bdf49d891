using QwenLayered.Engine.Imaging;
using QwenLayered.Engine.ModelFolders;
using QwenLayered.Engine.Pipeline;

namespace QwenLayered.Engine.Tests.Pipeline;

public class DecompositionPolicyTests
{
    private static readonly ModelProfile Demo = new() { Resolutions = [64], TrainedWithEmptyPrompt = true, DefaultSteps = 20, DefaultGuidanceScale = 1 };

    private static DecompositionPolicy PolicyOf(ModelProfile profile, bool canCaption = false) =>
        new(profile, new DecompositionLimits(), canCaption, VaeScaleFactor: 8);

    [Fact]
    public void Defaults_PublishedModel_AreItsRecommendedSettings()
    {
        var policy = DecompositionPolicy.Published;

        Assert.Equal((4, 50, 4f, 640), (policy.Layers(0), policy.Steps(0), policy.GuidanceScale(0), policy.WorkingSize(640, 640, 0).Width));
        Assert.Equal([640, 1024], policy.Resolutions);
        Assert.True(policy.CaptionsEmptyPrompt);
    }

    [Fact]
    public void Defaults_ProfileWithItsOwn_AreTheProfiles()
    {
        var policy = PolicyOf(Demo);

        Assert.Equal((4, 20, 1f, 64), (DecompositionPolicy.DefaultLayers, policy.DefaultSteps, policy.DefaultGuidanceScale, policy.DefaultResolution));
        Assert.Equal((20, 1f), (policy.Steps(0), policy.GuidanceScale(0)));
    }

    [Fact]
    public void Limits_Default_AreTheSameForEveryCaller()
    {
        var limits = new DecompositionLimits();

        Assert.Equal((10, 100, 8192L * 8192, 64L << 20, 8192), (limits.MaxLayers, limits.MaxSteps, limits.MaxPixels, limits.MaxImageBytes, limits.MaxPromptBytes));
    }

    [Theory]
    [InlineData(11, "layers is 11; ask for 1 to 10 layers, or 0 for the default (4).")]
    [InlineData(-1, "layers is -1; ask for 1 to 10 layers, or 0 for the default (4).")]
    public void Layers_OutsideTheLimits_IsRefusedSayingWhatToAskFor(int layers, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => PolicyOf(Demo).Layers(layers));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Layers_Automatic_IsTheMostTheModelMayChooseTheLimitFor0()
    {
        var policy = PolicyOf(Demo) with { Limits = new DecompositionLimits { MaxLayers = 6 } };

        Assert.Equal((6, 3), (policy.Layers(0, automatic: true), policy.Layers(3, automatic: true)));
        var error = Assert.Throws<ArgumentException>(() => policy.Layers(7, automatic: true));
        Assert.Equal("layers is 7 with automatic layers; ask for at most 1 to 6 layers, or 0 to let the model choose up to 6.", error.Message);
    }

    [Theory]
    [InlineData(0, 6, 1)]
    [InlineData(3, 6, 3)]
    [InlineData(9, 6, 6)]
    public void AutomaticLayerCount_ElementsSeen_IsBoundedByOneAndTheMost(int elements, int most, int expected) =>
        Assert.Equal(expected, DecompositionPolicy.AutomaticLayerCount(elements, most));

    [Fact]
    public void LayerName_DecodedLayer_IsItsNameElseLayerN()
    {
        var layer = new DecodedLayer(2, 1, 1, new byte[4], null);

        Assert.Equal(("Layer 3", "sky"), (DecompositionPolicy.LayerName(layer), DecompositionPolicy.LayerName(layer with { Name = "sky" })));
    }

    [Fact]
    public void Steps_AboveTheConfiguredLimit_IsRefusedQuotingTheModelsDefault()
    {
        var policy = PolicyOf(Demo) with { Limits = new DecompositionLimits { MaxSteps = 30 } };

        var error = Assert.Throws<ArgumentException>(() => policy.Steps(31));

        Assert.Equal("steps is 31; ask for 1 to 30 steps, or 0 for the default (20).", error.Message);
        Assert.Equal(30, policy.Steps(30));
    }

    [Fact]
    public void WorkingSize_ResolutionTheModelWasNotTrainedAt_IsRefusedNamingItsResolutions()
    {
        var error = Assert.Throws<ArgumentException>(() => PolicyOf(Demo).WorkingSize(100, 100, 640));

        Assert.Contains("use 64", error.Message);
    }

    [Fact]
    public void WorkingSize_ConfiguredWorkingArea_WinsOverTheResolution()
    {
        var policy = PolicyOf(ModelProfile.Published) with { WorkingArea = 64 * 64 };

        var size = policy.WorkingSize(200, 200, 0);

        Assert.Equal((64, 64), (size.Width, size.Height));
    }

    [Theory]
    [InlineData(true, false, false)] // the published model: captions
    [InlineData(true, true, true)] // trained with the empty prompt: uses it as it is, even when it could caption
    [InlineData(false, true, true)] // the demo model
    public void NeedsCaption_EmptyPrompt_FollowsTheCaptionRule(bool canCaption, bool trainedWithEmptyPrompt, bool usedAsItIs)
    {
        var policy = PolicyOf(new ModelProfile { TrainedWithEmptyPrompt = trainedWithEmptyPrompt }, canCaption);

        Assert.Equal(!usedAsItIs, policy.NeedsCaption(""));
        Assert.Equal(!usedAsItIs, policy.CaptionsEmptyPrompt);
        Assert.False(policy.NeedsCaption("a poster"));
    }

    [Fact]
    public void NeedsCaption_EmptyPromptForAModelThatCannotCaption_IsRefusedAskingForADescription()
    {
        var error = Assert.Throws<ArgumentException>(() => PolicyOf(ModelProfile.Published, canCaption: false).NeedsCaption(" "));

        Assert.Contains("describe the image in a few words", error.Message);
    }

    [Fact]
    public void ReadImageHeader_MoreBytesThanTheLimit_IsRefusedBeforeDecoding()
    {
        var policy = PolicyOf(Demo) with { Limits = new DecompositionLimits { MaxImageBytes = 10 } };

        var error = Assert.Throws<InvalidImageException>(() => policy.ReadImageHeader(new byte[11]));

        Assert.Contains("at most 10 are accepted", error.Message);
    }

    [Fact]
    public void Request_ResolutionLeftAtZero_IsSizedAtTheModelsDefault()
    {
        var image = new RgbaImage(128, 128, new byte[128 * 128 * 4]);

        var request = PolicyOf(Demo).Request(image, "p", new DecompositionSettings());

        Assert.Equal(64, request.Resolution);
        Assert.Equal((64, 64), (request.Size.Width, request.Size.Height));
        Assert.Equal(DecompositionPolicy.DefaultNegativePrompt, request.NegativePrompt);
    }

    [Theory]
    [InlineData(-0.1f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void StepCacheThreshold_NegativeOrNotFinite_IsRefusedSayingHowToTurnItOff(float asked)
    {
        var error = Assert.Throws<ArgumentException>(() => DecompositionPolicy.StepCacheThreshold(asked));

        Assert.Contains("use 0 to run every transformer block every step", error.Message);
    }

    [Fact]
    public void StepCacheThreshold_ZeroOrAbove_IsKept()
    {
        Assert.Equal([0f, 0.1f, 2f], [DecompositionPolicy.StepCacheThreshold(0f), DecompositionPolicy.StepCacheThreshold(0.1f), DecompositionPolicy.StepCacheThreshold(2f)]);
    }

    [Fact]
    public void Check_SettingsWithANegativeStepCacheThreshold_AreRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => DecompositionPolicy.Check(new DecompositionSettings { StepCacheThreshold = -1f }));

        Assert.Contains("step cache threshold is -1", error.Message);
    }

    [Fact]
    public void LayerName_CountsFromOneAsPhotoshopDoes()
    {
        Assert.Equal(["Layer 1", "Layer 2"], [DecompositionPolicy.LayerName(0), DecompositionPolicy.LayerName(1)]);
    }
}
