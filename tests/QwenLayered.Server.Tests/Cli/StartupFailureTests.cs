using System.Net;
using System.Net.Sockets;

namespace QwenLayered.Server.Tests.Cli;

/// <summary>
/// <c>qwenlayered serve</c> and <c>info</c> refusing to start: one line that says what to change, exit code 2. Serve runs
/// as the built executable: its host logs to the process's console, which must show no stack trace either.
/// </summary>
public class StartupFailureTests : IDisposable
{
    // Each of these ends within seconds; a server that starts after all is stopped, and the test fails, after this.
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(1);

    private readonly string _work = Directory.CreateTempSubdirectory("qwenlayered-startup-").FullName;

    private Task<(int ExitCode, string Output, string Error)> ServeAsync(string arguments) => RunAsync($"serve --device cpu --Jobs:ResultsFolder=\"{_work}\" {arguments}");

    private static Task<(int ExitCode, string Output, string Error)> RunAsync(string arguments) => BuiltExecutables.RunAsync("qwenlayered", arguments, Limit);

    [Fact]
    public async Task Serve_PortInUse_NamesTheAddressAndTheFlagsThatChooseAnother()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;

        // With the demo model, which must not start loading for a server that cannot listen.
        var run = await ServeAsync($"--grpc-port {port} --http-port 0");

        BuiltExecutables.AssertOneLineFailure(run, $"127.0.0.1:{port}", "in use", "--grpc-port");
        Assert.DoesNotContain("could not be loaded", run.Output);
    }

    [Theory]
    [InlineData("missing.pfx", null)]
    [InlineData("scribble.pfx", "not a certificate")]
    public async Task Serve_UnreadableCertificate_NamesTheSettingAndTheFile(string file, string? content)
    {
        string path = Path.Combine(_work, file);
        if (content is not null) File.WriteAllText(path, content);

        var run = await ServeAsync($"--model \"\" --grpc-port 0 --http-port 0 --Kestrel:Certificates:Default:Path=\"{path}\"");

        BuiltExecutables.AssertOneLineFailure(run, "Kestrel:Certificates:Default", file);
    }

    [Fact]
    public async Task Serve_ModelFolderMissing_SaysSoAndNamesTheFlag()
    {
        var run = await ServeAsync($"--model \"{Path.Combine(_work, "no-model")}\" --grpc-port 0 --http-port 0");

        BuiltExecutables.AssertOneLineFailure(run, "no-model", "does not exist", "--model");
    }

    [Fact]
    public async Task Serve_ModelFolderWithoutIndex_SaysItIsNotAModelFolder()
    {
        var run = await ServeAsync($"--model \"{_work}\" --grpc-port 0 --http-port 0");

        BuiltExecutables.AssertOneLineFailure(run, "model_index.json", "--model");
    }

    // Tests run as root, whom permissions do not stop: a folder under a regular file cannot be created by anyone.
    [Fact]
    public async Task Serve_ResultsFolderThatCannotBeCreated_NamesTheSetting()
    {
        string file = Path.Combine(_work, "a-file");
        File.WriteAllText(file, "");

        var run = await RunAsync(
            $"serve --device cpu --model \"\" --grpc-port 0 --http-port 0 --Jobs:ResultsFolder=\"{Path.Combine(file, "results")}\"");

        BuiltExecutables.AssertOneLineFailure(run, "Jobs:ResultsFolder", "a-file");
    }

    [Fact]
    public async Task Serve_DeviceThisMachineLacks_NamesIt()
    {
        var run = await RunAsync(
            $"serve --device cuda:99 --model \"\" --grpc-port 0 --http-port 0 --Jobs:ResultsFolder=\"{_work}\"");

        BuiltExecutables.AssertOneLineFailure(run, "cuda:99");
    }

    [Fact]
    public async Task Info_DeviceThisMachineLacks_NamesIt()
    {
        var run = await InProcessCli.RunAsync("info", "--device", "cuda:99");

        BuiltExecutables.AssertOneLineFailure(run, "cuda:99");
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);
}
