using Microsoft.Extensions.Options;
using QwenLayered.Engine.ModelFolders;
using QwenLayered.Engine.Pipeline;
using QwenLayered.Engine.Runtime;

namespace QwenLayered.Server.Hosting;

/// <summary>
/// The engine state this server shares between jobs: its compute devices and, once loaded, one resident model per
/// device. Loading happens in the background (<see cref="ModelLoader"/>); until then the server answers NOT_SERVING.
/// </summary>
public sealed class ModelHost(IOptions<EngineOptions> options, ILogger<ModelHost> logger) : IDisposable
{
    private readonly TaskCompletionSource<IReadOnlyList<ResidentModel>> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The devices chosen at startup, for example "cpu" or "cuda:0"; one worker runs on each.</summary>
    public IReadOnlyList<TorchSharp.torch.Device> Devices { get; } =
        [.. options.Value.Devices().DefaultIfEmpty("auto").Select(d => ComputeDevice.Select(d, logger))];

    /// <summary>"cuda:0" or "cuda:0,cuda:1", as GetServerInfo reports it.</summary>
    public string Device => string.Join(",", Devices.Select(d => d.ToString()));

    /// <summary>Whether a model folder was configured at all.</summary>
    public bool HasModel => !string.IsNullOrWhiteSpace(options.Value.Model);

    /// <summary>Completes with the resident models once loaded and warmed up; faults when loading failed.</summary>
    public Task<IReadOnlyList<ResidentModel>> Ready => _ready.Task;

    /// <summary>The resident model's summary; null while none is loaded.</summary>
    public LoadedModel? Model => Ready.IsCompletedSuccessfully
        ? new LoadedModel(Ready.Result[0].Name, Ready.Result[0].Dtype, Ready.Result.Sum(m => m.WeightBytes))
        : null;

    /// <summary>How requests are decided for the resident model; the published model's, without captions, while none is loaded.</summary>
    public DecompositionPolicy Policy => Ready.IsCompletedSuccessfully ? Ready.Result[0].Model.Policy : DecompositionPolicy.Published with { CanCaption = false };

    /// <summary>Why Decompose cannot run now, for an UNAVAILABLE status; null when it can.</summary>
    public string? Unavailability =>
        !HasModel ? "No model is loaded on this server, so it cannot decompose images yet. Ask its administrator to start it with a model."
        : Ready.IsFaulted ? $"The model failed to load ({Ready.Exception!.InnerException!.Message}). Ask the server's administrator to check its log."
        : !Ready.IsCompleted ? "The model is still loading; try again in a minute."
        : null;

    internal void Loaded(IReadOnlyList<ResidentModel> models) => _ready.TrySetResult(models);

    internal void LoadFailed(Exception error) => _ready.TrySetException(error);

    public void Dispose()
    {
        if (!Ready.IsCompletedSuccessfully) return;
        foreach (var model in Ready.Result) model.Dispose();
    }
}

/// <summary>A model resident on the device.</summary>
public sealed record LoadedModel(string Name, string Dtype, long MemoryInUseBytes);
