using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace QwenLayered.Server.Tests;

/// <summary>
/// An executable built beside the tests (qwenlayered, qwenlayered-bridge), running until disposed. Both its streams are
/// read as they come, since a full pipe would stall its logging and with it the process, and kept for failure messages.
/// </summary>
internal sealed class RunningExecutable : IAsyncDisposable
{
    private readonly string _name;
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly List<(Regex Pattern, TaskCompletionSource<Match> Found)> _waiters = [];
    private int _openStreams = 2;

    private RunningExecutable(string name, Process process)
    {
        _name = name;
        _process = process;
    }

    public static RunningExecutable Start(string name, string arguments)
    {
        var running = new RunningExecutable(name, BuiltExecutables.Start(name, arguments));
        running._process.OutputDataReceived += (_, line) => running.Received(line.Data);
        running._process.ErrorDataReceived += (_, line) => running.Received(line.Data);
        running._process.BeginOutputReadLine();
        running._process.BeginErrorReadLine();
        return running;
    }

    /// <summary>Everything it printed so far, each line prefixed with its name.</summary>
    public string Output
    {
        get { lock (_lines) return string.Join('\n', _lines.Select(line => $"{_name}: {line}")); }
    }

    /// <summary>The first line it printed, before or after this call, that matches; fails when it exits first.</summary>
    public async Task<Match> WaitForLineAsync(Regex pattern)
    {
        var found = new TaskCompletionSource<Match>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lines)
        {
            foreach (string line in _lines)
                if (pattern.Match(line) is { Success: true } match) return match;
            if (_openStreams == 0) throw Ended(pattern);
            _waiters.Add((pattern, found));
        }
        try
        {
            return await found.Task.WaitAsync(Deadlines.Hung, TestContext.Current.CancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{_name} printed no line matching /{pattern}/ within {Deadlines.Hung}:\n{Output}");
        }
    }

    private void Received(string? line)
    {
        lock (_lines)
        {
            // Both streams end when the process exits: nothing a waiter waits for can come any more.
            if (line is null)
            {
                if (--_openStreams > 0) return;
                foreach (var (pattern, found) in _waiters) found.TrySetException(Ended(pattern));
                _waiters.Clear();
                return;
            }
            _lines.Add(line);
            foreach (var waiter in _waiters.Where(w => w.Pattern.IsMatch(line)).ToList())
            {
                waiter.Found.TrySetResult(waiter.Pattern.Match(line));
                _waiters.Remove(waiter);
            }
        }
    }

    /// <summary>Sends it a POSIX signal, as a service manager (SIGTERM) or a terminal's Ctrl+C (SIGINT) does.</summary>
    public void Signal(int signal)
    {
        if (kill(_process.Id, signal) != 0)
            throw new InvalidOperationException($"Could not send signal {signal} to {_name} (errno {Marshal.GetLastPInvokeError()}).");
    }

    /// <summary>Waits for it to exit by itself and returns its exit code; fails when it is still running after <see cref="Deadlines.Hung"/>.</summary>
    public async Task<int> WaitForExitAsync()
    {
        try
        {
            await _process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(Deadlines.Hung, TestContext.Current.CancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{_name} was still running after {Deadlines.Hung}:\n{Output}");
        }
        return _process.ExitCode;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    private InvalidOperationException Ended(Regex pattern) =>
        new($"{_name} exited without printing a line matching /{pattern}/:\n{Output}");

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
