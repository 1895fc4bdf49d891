using QwenLayered.Engine.Imaging;
using QwenLayered.Engine.Memory;
using QwenLayered.Engine.Pipeline;
using QwenLayered.Engine.QwenVL.Language;
using QwenLayered.Engine.Runtime;
using static TorchSharp.torch;

namespace QwenLayered.Server.Hosting;

/// <summary>One copy of the model on one device (pipeline, prompt encoder, captioner when it has one), loaded once.</summary>
public sealed class ResidentModel(LayeredModel model, string dtype, string device) : IDisposable
{
    public LayeredModel Model { get; } = model;
    public string Name => Model.Name;
    public string Dtype { get; } = dtype;
    public string Device { get; } = device;

    /// <summary>Bytes of the transformer's and VAE's weights (the text encoder loads on first use and is not counted).</summary>
    public long WeightBytes { get; } = model.Pipeline.Transformer.parameters().Concat(model.Pipeline.Vae.parameters())
        .Sum(p => p.NumberOfElements * p.ElementSize);

    public static ResidentModel Load(string folder, string dtype, Device device, TextEncoderResidency textEncoder, MemoryMode memory = MemoryModes.Default)
    {
        if (dtype == "") dtype = DTypeName.DefaultFor(device);
        return new(LayeredModel.Load(folder, DTypeName.Parse(dtype), device, memory.TextEncoder(textEncoder), memory), dtype, device.ToString());
    }

    /// <summary>
    /// One smallest decomposition (1 layer, 1 step, with guidance), so the first artist's job does not pay for kernel
    /// selection, allocator growth and the text encoder's first load.
    /// </summary>
    public void WarmUp(long workingArea)
    {
        var image = new RgbaImage(64, 64, Enumerable.Repeat((byte)128, 64 * 64 * 4).ToArray());
        var policy = Model.Policy with { WorkingArea = workingArea };
        Model.Decompose(policy.Request(image, "warm-up", new DecompositionSettings { Layers = 1, Steps = 1 }));
    }

    public void Dispose() => Model.Dispose();
}
