using QwenLayered.Engine.Weights;
using static TorchSharp.torch;

namespace QwenLayered.Toolbox.Training;

/// <summary>
/// Writes a training checkpoint as a model folder to ship: everything but the trainer's own files, with the
/// floating-point weights of every safetensors file stored in one dtype (bf16 halves the size; the loader reads them
/// back into whatever dtype it computes in).
/// </summary>
public static class ModelExport
{
    public static void Write(string checkpoint, string target, ScalarType dtype)
    {
        if (!is_floating_point(dtype)) throw new ArgumentException($"Weights are stored in a floating-point dtype, not {dtype}.", nameof(dtype));
        foreach (string file in Directory.GetFiles(checkpoint, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(checkpoint, file);
            if (TrainingCheckpoint.IsTrainerFile(relative)) continue;
            string destination = Path.Combine(target, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            if (file.EndsWith(".safetensors", StringComparison.Ordinal)) WriteWeights(file, destination, dtype);
            else File.Copy(file, destination, overwrite: true);
        }
    }

    private static void WriteWeights(string source, string destination, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        using var weights = SafetensorsFile.Open(source);
        var tensors = weights.Tensors.Values.ToDictionary(
            info => info.Name,
            info => weights.Read(info.Name, is_floating_point(info.DType) ? dtype : info.DType, CPU));
        SafetensorsWriter.Write(destination, tensors, weights.Metadata);
    }
}
