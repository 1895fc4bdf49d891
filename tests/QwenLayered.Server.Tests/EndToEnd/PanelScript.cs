using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace QwenLayered.Server.Tests.EndToEnd;

/// <summary>
/// A script of plugin-uxp/test/end-to-end that runs the panel's own controller under Node (panel-in-node.mjs) against a
/// live bridge, into a mock Photoshop document of the given size; its lines are read as they come.
/// </summary>
internal sealed class PanelScript : IAsyncDisposable
{
    private readonly Process _node;
    private readonly List<string> _lines = [];
    private readonly List<string> _errors = [];
    private readonly List<(string Start, TaskCompletionSource<string> Found)> _waiters = [];

    private PanelScript(Process node)
    {
        _node = node;
        node.OutputDataReceived += (_, line) =>
        {
            if (line.Data is null) return;
            lock (_lines)
            {
                _lines.Add(line.Data);
                foreach (var waiter in _waiters.Where(w => line.Data.StartsWith(w.Start, StringComparison.Ordinal)).ToList())
                {
                    waiter.Found.TrySetResult(line.Data);
                    _waiters.Remove(waiter);
                }
            }
        };
        node.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is not null) lock (_errors) _errors.Add(line.Data);
        };
        node.Exited += (_, _) =>
        {
            lock (_lines) foreach (var (start, found) in _waiters) found.TrySetException(new InvalidOperationException($"The panel script ended before printing '{start}…':\n{string.Join('\n', _lines)}"));
        };
        node.EnableRaisingEvents = true;
        node.BeginOutputReadLine();
        node.BeginErrorReadLine();
    }

    /// <param name="script">run-panel-restart.mjs or run-panel-modal.mjs, which take the same arguments.</param>
    public static PanelScript Start(string script, string address, int width, int height, int steps)
    {
        Assert.True(PanelClientProcess.PanelDependenciesInstalled(), "The panel's png.js needs its dependencies: run npm ci in plugin-uxp first (scripts/test.sh does).");
        var start = new ProcessStartInfo("node")
        {
            // The flag exposes WebSocket on Node 20; later versions have it anyway and still accept the flag.
            ArgumentList = { "--experimental-websocket", PanelClientProcess.Script(script), address, Number(width), Number(height), Number(steps),
                Deadlines.Hung.TotalMilliseconds.ToString(CultureInfo.InvariantCulture) },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        return new PanelScript(Process.Start(start)!);
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <returns>The first line, printed before or after this call, that starts with <paramref name="start"/>.</returns>
    public Task<string> WaitForLineAsync(string start)
    {
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lines)
        {
            if (_lines.FirstOrDefault(line => line.StartsWith(start, StringComparison.Ordinal)) is { } line) return Task.FromResult(line);
            if (_node.HasExited) throw new InvalidOperationException($"The panel script ended before printing '{start}…':\n{string.Join('\n', _lines)}");
            _waiters.Add((start, found));
        }
        return found.Task.WaitAsync(Deadlines.Hung, TestContext.Current.CancellationToken);
    }

    /// <returns>The JSON report the script prints last.</returns>
    public async Task<JsonElement> ReportAsync(Func<string> processesOutput)
    {
        await _node.WaitForExitAsync(TestContext.Current.CancellationToken);
        string output, errors;
        lock (_lines) output = string.Join('\n', _lines);
        lock (_errors) errors = string.Join('\n', _errors);
        Assert.True(_node.ExitCode == 0, $"The panel script failed ({_node.ExitCode}):\n{output}\n{errors}\n{processesOutput()}");
        lock (_lines) return JsonDocument.Parse(_lines[^1]).RootElement;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_node.HasExited) _node.Kill(entireProcessTree: true);
        await _node.WaitForExitAsync();
        _node.Dispose();
    }
}
