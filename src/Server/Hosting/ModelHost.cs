using Microsoft.Extensions.Options;
using QwenLayered.Engine.Runtime;

namespace QwenLayered.Server.Hosting;

/// <summary>The engine state this server shares between jobs: its compute device and the resident model.</summary>
public sealed class ModelHost(IOptions<EngineOptions> options, ILogger<ModelHost> logger)
{
    /// <summary>The device chosen at startup, for example "cpu" or "cuda:0".</summary>
    public string Device { get; } = ComputeDevice.Select(options.Value.Device, logger).ToString();

    /// <summary>The resident model; null while none is loaded.</summary>
    public LoadedModel? Model { get; }
}

/// <summary>A model resident on the device.</summary>
public sealed record LoadedModel(string Name, string Dtype, long MemoryInUseBytes);
