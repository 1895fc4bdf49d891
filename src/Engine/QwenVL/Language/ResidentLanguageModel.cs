using QwenLayered.Engine.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace QwenLayered.Engine.QwenVL.Language;

/// <summary>
/// The one Qwen2.5-VL language model that prompt encoding and captioning share (14.1 GB in bf16 at 7B, so never twice):
/// loaded on first use and, after <see cref="Release"/>, kept, moved to the CPU or unloaded as
/// <see cref="TextEncoderResidency"/> says. One pass at a time: <see cref="Use{T}"/> holds it for the whole pass, so a
/// release never moves it under a running pass. With <see cref="Turns"/> it takes the device from the transformer before
/// each pass that brings it there.
/// </summary>
public sealed class ResidentLanguageModel : IDisposable, IDeviceTenant
{
    private readonly Func<Qwen25VLTextModel> _load;
    private readonly Lock _gate = new();
    private Qwen25VLTextModel? _model;
    private bool _onCpu;

    /// <param name="load">Loads the language model onto <paramref name="device"/>; called on first use and after an unload.</param>
    public ResidentLanguageModel(Func<Qwen25VLTextModel> load, Device device, TextEncoderResidency residency = TextEncoderResidency.KeepOnDevice)
    {
        _load = load;
        Device = device;
        Residency = residency;
    }

    /// <summary>The compute device passes run on.</summary>
    public Device Device { get; }

    public TextEncoderResidency Residency { get; }

    /// <summary>The turns this model takes on the device with the transformer; null when both stay there.</summary>
    public DeviceTurns? Turns { get; set; }

    /// <summary>
    /// Runs <paramref name="pass"/> with the model on <see cref="Device"/>, loading it or moving it back first (outside any
    /// dispose scope <paramref name="pass"/> opens, which would otherwise dispose the weights with the temporaries).
    /// </summary>
    public T Use<T>(Func<Qwen25VLTextModel, T> pass)
    {
        // The turn is taken before this model's own lock: the transformer, taking it back, waits for a running pass.
        Turns?.Take(this);
        lock (_gate) return pass(ModelOnDevice());
    }

    /// <summary>Loads the model now, so the first pass does not pay for it.</summary>
    public void Load()
    {
        Turns?.Take(this);
        lock (_gate) ModelOnDevice();
    }

    /// <summary>Frees the compute device as <see cref="Residency"/> says.</summary>
    public void Release()
    {
        if (Residency != TextEncoderResidency.KeepOnDevice) LeaveDevice();
    }

    /// <summary>Frees the compute device: unloads the model when <see cref="Residency"/> says so, else moves it to the CPU.</summary>
    public void LeaveDevice()
    {
        lock (_gate)
        {
            if (_model is null || _onCpu) return;
            if (Residency == TextEncoderResidency.Unload)
            {
                _model.Dispose();
                _model = null;
                return;
            }
            _model.to(CPU);
            _onCpu = true;
        }
    }

    /// <summary>Whether the model is loaded on <see cref="Device"/> (not unloaded, not moved to the CPU).</summary>
    public bool OnDevice
    {
        get { lock (_gate) return _model is not null && !_onCpu; }
    }

    /// <summary>The model while it is in memory, on the device or the CPU; null before the first load and after an unload.</summary>
    internal Qwen25VLTextModel? InMemory
    {
        get { lock (_gate) return _model; }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _model?.Dispose();
            _model = null;
        }
    }

    private Qwen25VLTextModel ModelOnDevice()
    {
        _model ??= _load();
        if (_onCpu)
        {
            _model.to(Device);
            _onCpu = false;
        }
        return _model;
    }
}
