using QwenLayered.Engine.Models;

namespace QwenLayered.Engine.Tests.Models;

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
