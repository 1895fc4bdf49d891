using QwenLayered.Engine.Runtime;
using static QwenLayered.Engine.Runtime.Scalars;
using static TorchSharp.torch;

namespace QwenLayered.Toolbox.RandomModels;

/// <summary>
/// Seeded random weights, filled in place on whatever device and dtype a module was built in, one tensor at a time,
/// so a full-size model gets its weights without a host copy of the whole model: matrices and kernels ~ N(0, 1/fan_in),
/// norm scales 1, biases and other vectors ~ N(0, 0.02²). Every value matters and activations stay in a sane range.
/// </summary>
public static class RandomWeights
{
    /// <summary>Fills every floating-point parameter and buffer of <paramref name="module"/> from a CPU generator (see <see cref="SeededRandom"/>).</summary>
    public static void Fill(nn.Module module, Generator generator) => Fill(module.state_dict(), generator);

    /// <summary>Fills the floating-point tensors of <paramref name="weights"/> in their order, by their names' rules.</summary>
    public static void Fill(IEnumerable<KeyValuePair<string, Tensor>> weights, Generator generator)
    {
        using var noGrad = no_grad();
        foreach (var (name, tensor) in weights)
            if (tensor.is_floating_point()) Fill(name, tensor, generator);
    }

    private static void Fill(string name, Tensor tensor, Generator generator)
    {
        // Norm scales first: the VAE stores its gammas as [C, 1, 1, 1].
        if (IsNormScale(name))
            tensor.fill_(Kept(1));
        else if (tensor.dim() >= 2)
            SeededRandom.FillNormal(tensor, 0, 1 / Math.Sqrt(tensor.numel() / tensor.shape[0]), generator);
        else
            SeededRandom.FillNormal(tensor, 0, 0.02, generator);
    }

    private static bool IsNormScale(string name) =>
        name.EndsWith("gamma", StringComparison.Ordinal) || name.Contains("norm", StringComparison.Ordinal) && name.EndsWith("weight", StringComparison.Ordinal);
}
