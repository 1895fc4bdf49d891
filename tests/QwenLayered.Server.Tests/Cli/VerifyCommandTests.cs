using QwenLayered.Cli;
using QwenLayered.Toolbox.Parity;
using TorchSharp;

namespace QwenLayered.Server.Tests.Cli;

public class VerifyCommandTests
{
    [Fact]
    public void Run_VaeCases_PassesAndPrintsTheTotal()
    {
        var output = new StringWriter();

        int exitCode = VerifyCommand.Run(FixtureLocator.Default(), "vae", torch.CPU, torch.ScalarType.Float32, output);

        Assert.Equal(0, exitCode);
        Assert.Matches(@"verify: [1-9]\d* passed, 0 failed\s*$", output.ToString());
    }

    [Fact]
    public void Run_ComponentWithoutCases_FailsAndSaysSo()
    {
        var output = new StringWriter();

        int exitCode = VerifyCommand.Run(FixtureLocator.Default(), "no_such_component", torch.CPU, torch.ScalarType.Float32, output);

        Assert.Equal(1, exitCode);
        Assert.Contains("no case of component 'no_such_component'", output.ToString());
    }

    [Fact]
    public void Run_ComponentNotImplemented_FailsNamingIt()
    {
        string fixtures = Directory.CreateTempSubdirectory("qwenlayered-verify-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(fixtures, "hologram_a"));
            File.WriteAllText(Path.Combine(fixtures, "index.json"), """{"cases": [{"case": "hologram_a", "component": "hologram"}]}""");
            File.WriteAllText(Path.Combine(fixtures, "hologram_a", "manifest.json"), "{}");
            var output = new StringWriter();

            int exitCode = VerifyCommand.Run(fixtures, "all", torch.CPU, torch.ScalarType.Float32, output);

            Assert.Equal(1, exitCode);
            Assert.Contains("component 'hologram' is not implemented yet", output.ToString());
        }
        finally
        {
            Directory.Delete(fixtures, recursive: true);
        }
    }

    [Fact]
    public void Run_FolderWithoutIndex_FailsWithTheReason()
    {
        var output = new StringWriter();
        string folder = Directory.CreateTempSubdirectory("qwenlayered-verify-").FullName;
        try
        {
            int exitCode = VerifyCommand.Run(folder, "all", torch.CPU, torch.ScalarType.Float32, output);

            Assert.Equal(1, exitCode);
            Assert.Contains("no fixture index here", output.ToString());
        }
        finally
        {
            Directory.Delete(folder);
        }
    }
}
