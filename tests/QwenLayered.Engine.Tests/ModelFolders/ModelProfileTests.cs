using QwenLayered.Engine.Guidance;
using QwenLayered.Engine.ModelFolders;
using QwenLayered.Engine.Pipeline;

namespace QwenLayered.Engine.Tests.ModelFolders;

public class ModelProfileTests
{
    [Fact]
    public void Read_FolderWithoutProfile_IsThePublishedModelsProfile()
    {
        using var folder = new TempFolder();

        var profile = ModelProfile.Read(folder.Path);

        Assert.Equal([640, 1024], profile.Resolutions);
        Assert.False(profile.TrainedWithEmptyPrompt);
        Assert.Null(profile.DefaultSteps);
    }

    [Fact]
    public void Read_Profile_GivesItsResolutionsAndDefaults()
    {
        using var folder = new TempFolder();
        File.WriteAllText(Path.Combine(folder.Path, ModelProfile.FileName),
            """{ "description": "demo", "resolutions": [128], "trained_with_empty_prompt": true, "default_steps": 20, "default_guidance_scale": 1 }""");

        var profile = ModelProfile.Read(folder.Path);

        Assert.Equal(("demo", 128, true, 20, 1f), (profile.Description, profile.DefaultResolution, profile.TrainedWithEmptyPrompt, profile.DefaultSteps, profile.DefaultGuidanceScale));
    }

    [Fact]
    public void Read_ProfileWithImageGuidance_GivesItsScaleAndNoiseLevel()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File(ModelProfile.FileName), """{ "resolutions": [64], "image_guidance": { "scale": 2, "min_sigma": 0.5 } }""");

        var imageGuidance = ModelProfile.Read(folder.Path).ImageGuidance;

        Assert.Equal(new ImageGuidance { Scale = 2, MinSigma = 0.5f }, imageGuidance);
    }

    [Theory]
    [InlineData("""{ "scale": 1, "min_sigma": 0.5 }""", "image_guidance.scale must be above 1")]
    [InlineData("""{ "min_sigma": 0.5 }""", "image_guidance.scale must be above 1")]
    [InlineData("""{ "scale": 2, "min_sigma": 1.5 }""", "image_guidance.min_sigma must be a noise level from 0 to 1")]
    [InlineData("""{ "scale": 2, "min_sigma": -0.1 }""", "image_guidance.min_sigma must be a noise level from 0 to 1")]
    public void Read_BadImageGuidance_NamesTheFieldAndWhatItNeeds(string entry, string expected)
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File(ModelProfile.FileName), $$"""{ "resolutions": [64], "image_guidance": {{entry}} }""");

        var error = Assert.Throws<ModelFolderException>(() => ModelProfile.Read(folder.Path));

        Assert.Contains(ModelProfile.FileName, error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Theory]
    [InlineData("{ not json", "not valid JSON")]
    [InlineData("""{ "resolutions": [] }""", "at least one working resolution")]
    [InlineData("""{ "resolutions": [8] }""", "at least one working resolution")]
    public void Read_BadProfile_NamesTheFileAndTheProblem(string text, string expected)
    {
        using var folder = new TempFolder();
        File.WriteAllText(Path.Combine(folder.Path, ModelProfile.FileName), text);

        var error = Assert.Throws<ModelFolderException>(() => ModelProfile.Read(folder.Path));

        Assert.Contains(ModelProfile.FileName, error.Message);
        Assert.Contains(expected, error.Message);
    }
}
