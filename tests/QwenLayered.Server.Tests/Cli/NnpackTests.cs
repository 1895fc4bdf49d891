using System.ComponentModel;
using System.Diagnostics;
using QwenLayered.Tests;

namespace QwenLayered.Server.Tests.Cli;

/// <summary>
/// <c>qwenlayered decompose</c> on a CPU that NNPACK does not support, made so by preloading a library whose
/// nnp_initialize answers "unsupported hardware" as NNPACK does there.
/// </summary>
public class NnpackTests : IDisposable
{
    private const int UnsupportedHardware = 51; // nnp_status_unsupported_hardware

    private readonly string _work = Directory.CreateTempSubdirectory("qwenlayered-nnpack-").FullName;

    [Fact]
    public async Task Decompose_OnACpuNnpackDoesNotSupport_WritesNoNnpackWarnings()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "The library is preloaded the Linux way.");
        string sample = Repository.PathOf("samples/shapes.png");

        var run = await BuiltExecutables.RunAsync("qwenlayered", $"decompose \"{sample}\" --out \"{Path.Combine(_work, "out")}\" --layers 1 --steps 1 --device cpu",
            environment: new Dictionary<string, string> { ["LD_PRELOAD"] = await NnpackUnsupportedLibraryAsync() });

        Assert.True(run.ExitCode == 0, run.Error + run.Output);
        Assert.DoesNotContain("NNPACK", run.Error);
    }

    private async Task<string> NnpackUnsupportedLibraryAsync()
    {
        string source = Path.Combine(_work, "nnpack-unsupported.c"), library = Path.Combine(_work, "libnnpack-unsupported.so");
        await File.WriteAllTextAsync(source, $"int nnp_initialize(void) {{ return {UnsupportedHardware}; }}\n", TestContext.Current.CancellationToken);
        Process? compiler = null;
        try
        {
            compiler = Process.Start(new ProcessStartInfo("cc", $"-shared -fPIC -o \"{library}\" \"{source}\"") { RedirectStandardError = true });
        }
        catch (Win32Exception)
        {
            // No C compiler on this machine: skipped below.
        }
        Assert.SkipWhen(compiler is null, "Needs a C compiler (cc) to build the preloaded library.");
        using (compiler)
        {
            string errors = await compiler.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            await compiler.WaitForExitAsync(TestContext.Current.CancellationToken);
            Assert.True(compiler.ExitCode == 0, errors);
        }
        return library;
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);
}
