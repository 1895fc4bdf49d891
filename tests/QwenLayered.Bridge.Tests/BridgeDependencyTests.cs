namespace QwenLayered.Bridge.Tests;

/// <summary>The bridge runs on artists' laptops: neither the engine nor libtorch may come with it.</summary>
public class BridgeDependencyTests
{
    [Fact]
    public void BridgeAssembly_ReferencesNeitherEngineNorTorchSharp()
    {
        var references = typeof(PanelProtocol).Assembly.GetReferencedAssemblies().Select(a => a.Name);

        Assert.DoesNotContain("QwenLayered.Engine", references);
        Assert.DoesNotContain("TorchSharp", references);
    }

    [Fact]
    public void BridgeOutput_CarriesNoEngineNorTorchSharpTransitively()
    {
        var output = AppContext.BaseDirectory;

        Assert.True(File.Exists(Path.Combine(output, "QwenLayered.Bridge.dll")));
        Assert.False(File.Exists(Path.Combine(output, "QwenLayered.Engine.dll")));
        Assert.False(File.Exists(Path.Combine(output, "TorchSharp.dll")));
        Assert.False(Directory.Exists(Path.Combine(output, "runtimes", "linux-x64", "native")));
    }
}
