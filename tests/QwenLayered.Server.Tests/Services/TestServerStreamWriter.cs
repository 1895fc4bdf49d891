using Grpc.Core;

namespace QwenLayered.Server.Tests.Services;

/// <summary>
/// The response stream of a call made straight to a service method: it keeps every message written and lets a test wait
/// for one. Like grpc-dotnet's, it allows one pending write at a time, refuses a write whose token is cancelled, and sends
/// the call's response headers with the first message.
/// </summary>
public sealed class TestServerStreamWriter<T>(TestServerCallContext context) : IServerStreamWriter<T> where T : class
{
    private readonly List<T> _written = [];
    private readonly List<(int From, Func<T, bool> Match, TaskCompletionSource<(T, int)> Found)> _waiters = [];
    private int _writing;

    public WriteOptions? WriteOptions { get; set; }

    /// <summary>The messages written so far, in order.</summary>
    public IReadOnlyList<T> Written
    {
        get { lock (_written) return [.. _written]; }
    }

    /// <summary>The first message from the <paramref name="from"/>th on (counted from 0), written before or after this call, that matches; and its index.</summary>
    public Task<(T Message, int Index)> WaitForAsync(int from, Func<T, bool> match)
    {
        var found = new TaskCompletionSource<(T, int)>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_written)
        {
            for (int index = from; index < _written.Count; index++)
                if (match(_written[index])) return Task.FromResult((_written[index], index));
            _waiters.Add((from, match, found));
        }
        return found.Task.WaitAsync(Deadlines.Hung, TestContext.Current.CancellationToken);
    }

    public Task WriteAsync(T message) => WriteAsync(message, CancellationToken.None);

    public Task WriteAsync(T message, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested) return Task.FromCanceled(cancellationToken);
        if (Interlocked.Exchange(ref _writing, 1) == 1)
            throw new InvalidOperationException("Can't write the message because the previous write is in progress.");
        try
        {
            context.ResponseStarted();
            lock (_written)
            {
                _written.Add(message);
                int index = _written.Count - 1;
                foreach (var waiter in _waiters.Where(w => w.From <= index && w.Match(message)).ToList())
                {
                    waiter.Found.TrySetResult((message, index));
                    _waiters.Remove(waiter);
                }
            }
            return Task.CompletedTask;
        }
        finally
        {
            Volatile.Write(ref _writing, 0);
        }
    }
}
