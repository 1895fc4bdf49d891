using Microsoft.Extensions.DependencyInjection;
using QwenLayered.Contracts.V1;
using QwenLayered.Engine.ModelFolders;
using QwenLayered.Server.Hosting;
using QwenLayered.Server.Tests.Hosting;

namespace QwenLayered.Server.Tests.Services;

/// <summary>GetServerInfo publishes the served model's decomposition policy, so clients (the panel) build their forms from it.</summary>
public class ServerInfoTests
{
    [Fact]
    public async Task GetServerInfo_DemoModel_ReportsIts64PxResolutionAnd20StepDefault()
    {
        await using var server = new RunningServer { Settings = new Dictionary<string, string?> { ["Engine:Model"] = DemoModel.Find() } };
        await server.InitializeAsync();
        await server.Services.GetRequiredService<ModelHost>().Ready.WaitAsync(Deadlines.Hung, TestContext.Current.CancellationToken);

        var info = await new Decomposer.DecomposerClient(server.Channel).GetServerInfoAsync(new GetServerInfoRequest(),
            cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal([64], info.Model.Resolutions);
        Assert.Equal((4, 20, 1f, 64), (info.Defaults.Layers, info.Defaults.Steps, info.Defaults.GuidanceScale, info.Defaults.Resolution));
        // Trained with the empty prompt and without a vision tower: an empty prompt is used as it is.
        Assert.False(info.Model.CaptionsEmptyPrompt);
        Assert.Equal((8, 100), (info.Limits.MaxLayers, info.Limits.MaxSteps));
    }

    [Fact]
    public async Task GetServerInfo_NoModel_ReportsThePublishedModelsResolutionsAndDefaults()
    {
        await using var server = new RunningServer { Settings = new Dictionary<string, string?> { ["Engine:Model"] = "" } };
        await server.InitializeAsync();

        var info = await new Decomposer.DecomposerClient(server.Channel).GetServerInfoAsync(new GetServerInfoRequest(),
            cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal([640, 1024], info.Model.Resolutions);
        Assert.Equal((4, 50, 4f, 640), (info.Defaults.Layers, info.Defaults.Steps, info.Defaults.GuidanceScale, info.Defaults.Resolution));
        Assert.False(info.Model.CaptionsEmptyPrompt);
    }
}
