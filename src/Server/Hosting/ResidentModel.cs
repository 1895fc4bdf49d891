using QwenLayered.Engine.Imaging;
using QwenLayered.Engine.Models;
using QwenLayered.Engine.Pipeline;
using QwenLayered.Engine.Text;
using static TorchSharp.torch;

namespace QwenLayered.Server.Hosting;

/// <summary>One copy of the model on one device: the pipeline (transformer, VAE) and the prompt encoder, loaded once.</summary>
public sealed class ResidentModel(string name, string dtype, string device, LayeredDecompositionPipeline pipeline, PromptEncoder prompts) : IDisposable
{
    public string Name { get; } = name;
    public string Dtype { get; } = dtype;
    public string Device { get; } = device;
    public LayeredDecompositionPipeline Pipeline { get; } = pipeline;
    public PromptEncoder Prompts { get; } = prompts;

    /// <summary>Bytes of the transformer's and VAE's weights (the text encoder loads on first use and is not counted).</summary>
    public long WeightBytes { get; } = pipeline.Transformer.parameters().Concat(pipeline.Vae.parameters())
        .Sum(p => p.NumberOfElements * p.ElementSize);

    public static ResidentModel Load(string folder, string dtype, Device device)
    {
        var model = ModelFolder.Open(folder);
        var scalarType = Engine.Runtime.DTypeName.Parse(dtype);
        var pipeline = LayeredDecompositionPipeline.FromPretrained(model, scalarType, device);
        var prompts = PromptEncoder.FromPretrained(model, scalarType, device);
        string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)));
        return new ResidentModel(name, dtype, device.ToString(), pipeline, prompts);
    }

    /// <summary>
    /// One smallest decomposition (1 layer, 1 step, with guidance), so the first artist's job does not pay for kernel
    /// selection, allocator growth and the text encoder's first load.
    /// </summary>
    public void WarmUp(long workingArea)
    {
        var image = new RgbaImage(64, 64, Enumerable.Repeat((byte)128, 64 * 64 * 4).ToArray());
        var size = workingArea > 0 ? WorkingSize.ForArea(64, 64, workingArea) : WorkingSize.For(64, 64, 640);
        var input = new DecompositionInput(image, size, Prompts.Encode("warm-up"), new DecompositionSettings { Layers = 1, Steps = 1 })
        {
            NegativePrompt = Prompts.Encode(PromptTemplate.DefaultNegativePrompt),
        };
        Pipeline.Run(input);
    }

    public void Dispose()
    {
        Pipeline.Dispose();
        Prompts.Dispose();
    }
}
