using QwenLayered.Engine.ModelFolders;
using QwenLayered.Engine.Tests.Vae;
using QwenLayered.Engine.Vae;
using TorchSharp;

namespace QwenLayered.Engine.Tests.ModelFolders;

public class ModelFolderTests
{
    private const string Index = """
        {"_class_name": "QwenImageLayeredPipeline", "_diffusers_version": "0.36.0",
         "scheduler": ["diffusers", "FlowMatchEulerDiscreteScheduler"], "vae": ["diffusers", "AutoencoderKLQwenImage"],
         "feature_extractor": [null, null]}
        """;

    [Fact]
    public void Open_MissingFolder_NamesIt()
    {
        var error = Assert.Throws<ModelFolderException>(() => ModelFolder.Open("/nonexistent/model"));
        Assert.Equal("/nonexistent/model: the model folder does not exist.", error.Message);
    }

    [Fact]
    public void Open_NoModelIndex_SaysItIsNotADiffusersFolder()
    {
        using var temp = new TempFolder();

        var error = Assert.Throws<ModelFolderException>(() => ModelFolder.Open(temp.Path));

        Assert.StartsWith(temp.File("model_index.json") + ": model_index.json is missing", error.Message);
    }

    [Fact]
    public void Open_ComponentFolderMissing_NamesComponentAndClass()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp.File("model_index.json"), Index);
        Directory.CreateDirectory(temp.File("scheduler"));
        File.WriteAllText(temp.File("scheduler/scheduler_config.json"), "{}");

        var error = Assert.Throws<ModelFolderException>(() => ModelFolder.Open(temp.Path));

        Assert.Equal($"{temp.File("vae")}: the folder of component 'vae' (diffusers AutoencoderKLQwenImage) is missing.", error.Message);
    }

    [Fact]
    public void Open_ComponentWithoutConfig_SaysWhichFilesWereLookedFor()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp.File("model_index.json"), Index);
        Directory.CreateDirectory(temp.File("scheduler"));
        Directory.CreateDirectory(temp.File("vae"));
        File.WriteAllText(temp.File("vae/config.json"), "{}");

        var error = Assert.Throws<ModelFolderException>(() => ModelFolder.Open(temp.Path));

        Assert.StartsWith($"{temp.File("scheduler")}: component 'scheduler' has no config file (config.json, scheduler_config.json", error.Message);
    }

    [Fact]
    public void FromPretrained_CompleteFolder_LoadsTheVaeThroughTheIndex()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp.File("model_index.json"), Index);
        Directory.CreateDirectory(temp.File("scheduler"));
        File.WriteAllText(temp.File("scheduler/scheduler_config.json"), "{}");
        FixtureVae.WriteVaeFolder(temp.File("vae"));

        var model = ModelFolder.Open(temp.Path);
        using var vae = AutoencoderKLQwenImage.FromPretrained(model, torch.ScalarType.BFloat16, torch.CPU);

        Assert.Equal("QwenImageLayeredPipeline", model.PipelineClass);
        Assert.Equal(["scheduler", "vae"], model.Components.Keys.Order());
        Assert.Equal("AutoencoderKLQwenImage", model.Component("vae").ClassName);
        Assert.All(vae.parameters(), p => Assert.Equal(torch.ScalarType.BFloat16, p.dtype));
    }

    [Fact]
    public void ReadConfig_WrongValueType_NamesFileAndConfigType()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp.File("config.json"), """{"z_dim": "sixteen"}""");

        var error = Assert.Throws<ModelFolderException>(() => ConfigFile.Read<AutoencoderKLQwenImageConfig>(temp.File("config.json")));

        Assert.StartsWith($"{temp.File("config.json")}: the config does not fit AutoencoderKLQwenImageConfig", error.Message);
    }

    [Fact]
    public void ReadConfig_InconsistentValues_SaysWhichValueCannotWork()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp.File("config.json"), """{"z_dim": 8}""");

        var error = Assert.Throws<ModelFolderException>(() => ConfigFile.Read<AutoencoderKLQwenImageConfig>(temp.File("config.json")));

        Assert.Contains("latents_mean and latents_std need z_dim = 8 values", error.Message);
    }
}
