namespace QwenLayered.Server.Cluster;

/// <summary>Logs that the shared store went away once, and once that it came back, however many calls failed between.</summary>
internal sealed class StoreOutage(ILogger logger)
{
    private int _down;

    public void Failed(Exception error)
    {
        if (Interlocked.Exchange(ref _down, 1) == 0) ClusterLogMessages.StoreUnavailable(logger, error.Message);
    }

    public void Succeeded()
    {
        if (Interlocked.Exchange(ref _down, 0) == 1) ClusterLogMessages.StoreBack(logger);
    }
}
