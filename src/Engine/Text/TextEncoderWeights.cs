using QwenLayered.Engine.Weights;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Text;

/// <summary>
/// Strict loading of a Qwen2.5-VL checkpoint into <see cref="Qwen25VLTextModel"/>. Published shards name the language
/// model <c>model.*</c>; transformers ≥ 4.52 saves it as <c>model.language_model.*</c>: either layout loads. The parts
/// the text-only path does not use (<c>lm_head</c>, the vision tower) are recognised and skipped; any other name that
/// does not match, and any parameter left unfilled, fails the load.
/// </summary>
internal static class TextEncoderWeights
{
    private const string LegacyPrefix = "model.";
    private const string NestedPrefix = "model.language_model.";
    private static readonly string[] UnusedParts = ["lm_head.", "visual.", "model.visual."];

    /// <summary>The checkpoint name of every parameter of <paramref name="model"/>, after checking the names both ways.</summary>
    public static Dictionary<string, string> CheckpointNames(Qwen25VLTextModel model, Checkpoint checkpoint)
    {
        string prefix = checkpoint.Tensors.Keys.Any(name => name.StartsWith(NestedPrefix, StringComparison.Ordinal))
            ? NestedPrefix : LegacyPrefix;
        var moduleNames = model.state_dict().Keys.ToHashSet(StringComparer.Ordinal);

        var missing = moduleNames.Where(name => !checkpoint.Tensors.ContainsKey(prefix + name)).Order(StringComparer.Ordinal).ToList();
        var unexpected = checkpoint.Tensors.Keys
            .Where(name => !UnusedParts.Any(part => name.StartsWith(part, StringComparison.Ordinal)))
            .Where(name => !name.StartsWith(prefix, StringComparison.Ordinal) || !moduleNames.Contains(name[prefix.Length..]))
            .Order(StringComparer.Ordinal).ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
            throw new WeightFileException(checkpoint.Path, null,
                $"strict load of the text encoder ({prefix}* layout) failed: " +
                $"missing [{string.Join(", ", missing.Take(20))}]{More(missing)}, unexpected [{string.Join(", ", unexpected.Take(20))}]{More(unexpected)}.");
        return moduleNames.ToDictionary(name => name, name => prefix + name, StringComparer.Ordinal);
    }

    /// <summary>Fills every parameter of <paramref name="model"/> from <paramref name="checkpoint"/>, one tensor at a time.</summary>
    public static void Load(Qwen25VLTextModel model, Checkpoint checkpoint)
    {
        var names = CheckpointNames(model, checkpoint);
        var targets = model.state_dict();
        foreach (var (name, target) in targets)
        {
            var stored = checkpoint.Tensors[names[name]];
            if (!stored.Shape.SequenceEqual(target.shape))
                throw new WeightFileException(checkpoint.FileOf(stored.Name), stored.Name,
                    $"shape mismatch: the checkpoint has {stored.ShapeText}, the text encoder expects {ShapeFormat.Of(target.shape)}.");
        }

        using var noGrad = no_grad();
        foreach (var (name, target) in targets)
        {
            using var loaded = checkpoint.Read(names[name], target.dtype, target.device);
            target.copy_(loaded);
        }
    }

    private static string More(List<string> names) => names.Count > 20 ? $" and {names.Count - 20} more" : "";
}
