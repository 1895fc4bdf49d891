namespace QwenLayered.Server.Hosting;

/// <summary>
/// A background service whose work runs inside the engine (loading a model, running jobs). Stopping asks it to stop and
/// then waits for it to return, however long past the host's shutdown timeout that is: the model is freed when the host
/// is disposed and libtorch is torn down when the process exits, and either one under a running engine call crashes it
/// or loses its job.
/// </summary>
public abstract class EngineBackgroundService : BackgroundService
{
    public override Task StopAsync(CancellationToken cancellationToken) => base.StopAsync(CancellationToken.None);
}
