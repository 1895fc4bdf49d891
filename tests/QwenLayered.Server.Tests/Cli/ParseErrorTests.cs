namespace QwenLayered.Server.Tests.Cli;

/// <summary>Option values that do not parse get System.CommandLine's own error and exit code 2, never a crash.</summary>
public class ParseErrorTests
{
    [Theory]
    [InlineData("scenes --out x --count many")]
    [InlineData("scenes --out x --size many")]
    [InlineData("eval --steps many")]
    [InlineData("eval --size many")]
    [InlineData("train --stage vae --out x --size many")]
    [InlineData("train --stage transformer --out x --sigma-shift many")]
    [InlineData("import-psd x --out y --size many")]
    public async Task NumberThatDoesNotParse_IsAParseErrorWithExitCode2(string arguments)
    {
        var run = await InProcessCli.RunAsync(arguments.Split(' '));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("Cannot parse argument 'many'", run.Error);
        Assert.DoesNotContain("   at ", run.Output + run.Error);
    }

    [Fact]
    public async Task UnknownOption_IsAParseErrorWithExitCode2()
    {
        var run = await InProcessCli.RunAsync("info", "--colour", "red");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("Unrecognized command or argument '--colour'", run.Error);
    }
}
