using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace QwenLayered.Server.Tests.EndToEnd;

/// <summary>
/// Runs plugin-uxp/test/end-to-end/run-panel-client.js under Node: the panel's own client modules against a live
/// bridge. It needs no npm install (Node's own WebSocket), so it runs before the panel's dependencies are installed.
/// </summary>
internal static class PanelClientProcess
{
    /// <param name="deepImage">A 16-bit PNG: the script then runs its "placed" job on it instead (see the script).</param>
    /// <param name="hung">How long the script waits for the jobs' outcomes; <see cref="Deadlines.Hung"/> unless given.</param>
    /// <returns>The script's JSON report of everything the panel received.</returns>
    public static async Task<JsonElement> RunAsync(string address, string token, byte[] image, Func<string> serverOutput, byte[]? deepImage = null,
        TimeSpan? hung = null)
    {
        var limit = hung ?? Deadlines.Hung;
        string imagePath = Path.GetTempFileName(), deepPath = Path.GetTempFileName();
        await File.WriteAllBytesAsync(imagePath, image, TestContext.Current.CancellationToken);
        if (deepImage is not null) await File.WriteAllBytesAsync(deepPath, deepImage, TestContext.Current.CancellationToken);
        var start = new ProcessStartInfo("node")
        {
            // The flag exposes WebSocket on Node 20; later versions have it anyway and still accept the flag.
            // The script stops itself at the time limit, still printing its report of what it received by then.
            ArgumentList = { "--experimental-websocket", Script(), address, token, imagePath, limit.TotalMilliseconds.ToString(CultureInfo.InvariantCulture) },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (deepImage is not null) start.ArgumentList.Add(deepPath);
        using var node = Process.Start(start)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        // A minute past the script's own limit: this catches only a script that hangs anyway.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(limit + TimeSpan.FromMinutes(1));
        try
        {
            await node.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!node.HasExited) node.Kill(entireProcessTree: true);
            File.Delete(imagePath);
            File.Delete(deepPath);
        }
        Assert.True(node.ExitCode == 0,
            $"The panel client failed ({node.ExitCode}):\n{await stdout}\n{await stderr}\nServer and bridge said:\n{serverOutput()}");
        return JsonDocument.Parse(await stdout).RootElement;
    }

    /// <summary>Whether the panel's dependencies are installed, which its png.js needs (npm ci in plugin-uxp).</summary>
    public static bool PanelDependenciesInstalled() =>
        File.Exists(Path.Combine(Path.GetDirectoryName(Script())!, "..", "..", "src", "vendor", "fflate.js"));

    /// <summary>The path of a script in plugin-uxp/test/end-to-end, found above the test's folder.</summary>
    public static string Script(string name = "run-panel-client.js")
    {
        string script = $"plugin-uxp/test/end-to-end/{name}";
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            string candidate = Path.Combine(folder.FullName, script);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"No {script} above {AppContext.BaseDirectory}.");
    }
}
