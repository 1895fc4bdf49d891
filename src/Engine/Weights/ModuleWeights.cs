using TorchSharp;

namespace QwenLayered.Engine.Weights;

/// <summary>Strict loading of a checkpoint into a module: every name must match both ways and every shape must agree.</summary>
public static class ModuleWeights
{
    // Long name lists are cut so the message stays readable; the count still says how many there are.
    private const int MaxNamesListed = 20;

    /// <summary>
    /// Builds a module, fills its weights and switches it to inference; when filling fails the module is disposed, so a
    /// bad checkpoint leaves nothing allocated on the device.
    /// </summary>
    public static TModule BuildFilled<TModule>(Func<TModule> build, Action<TModule> fill) where TModule : torch.nn.Module
    {
        var module = build();
        try
        {
            fill(module);
        }
        catch
        {
            module.Dispose();
            throw;
        }
        module.eval();
        return module;
    }

    /// <summary>
    /// Moves <paramref name="module"/> to <paramref name="device"/> and <paramref name="dtype"/>, then fills every
    /// parameter and persistent buffer from <paramref name="checkpoint"/>, one tensor at a time.
    /// Throws <see cref="WeightFileException"/> listing missing and unexpected names, or naming a shape mismatch.
    /// </summary>
    public static void LoadWeights(this torch.nn.Module module, Checkpoint checkpoint, torch.ScalarType dtype, torch.Device device)
    {
        module.to(device, dtype);
        var expected = module.state_dict();
        CheckNames(checkpoint, expected.Keys);
        Fill(checkpoint, expected);
    }

    /// <summary>
    /// Fills <paramref name="targets"/> (checkpoint name, tensor) where they live from the checkpoint tensors of those names,
    /// after checking every shape. Names are the caller's to check (<see cref="CheckNames"/>).
    /// </summary>
    internal static void Fill(Checkpoint checkpoint, IEnumerable<KeyValuePair<string, torch.Tensor>> targets)
    {
        var list = targets.ToList();
        foreach (var (name, target) in list)
        {
            var stored = checkpoint.Tensors[name];
            if (!stored.Shape.SequenceEqual(target.shape))
                throw new WeightFileException(checkpoint.FileOf(name), name,
                    $"shape mismatch: the checkpoint has {stored.ShapeText}, the model expects {ShapeFormat.Of(target.shape)}.");
        }

        using var noGrad = torch.no_grad();
        foreach (var (name, target) in list)
        {
            using var loaded = checkpoint.Read(name, target.dtype, target.device);
            target.copy_(loaded);
        }
    }

    /// <summary>
    /// Fills every parameter of <paramref name="module"/> where it already lives (device and dtype unchanged) from the
    /// checkpoint tensor <paramref name="checkpointName"/> gives for it. Checkpoint tensors that map to no parameter fail
    /// the load unless <paramref name="skipped"/> accepts them (parts of a larger model this module does not hold).
    /// <paramref name="what"/> names the module in errors.
    /// </summary>
    public static void LoadMapped(this torch.nn.Module module, Checkpoint checkpoint, Func<string, string> checkpointName,
        Func<string, bool> skipped, string what)
    {
        var targets = module.state_dict();
        var names = targets.Keys.ToDictionary(name => name, checkpointName, StringComparer.Ordinal);
        var mapped = names.Values.ToHashSet(StringComparer.Ordinal);
        var missing = names.Where(pair => !checkpoint.Tensors.ContainsKey(pair.Value)).Select(pair => pair.Key).Order(StringComparer.Ordinal).ToList();
        var unexpected = checkpoint.Tensors.Keys.Where(name => !mapped.Contains(name) && !skipped(name)).Order(StringComparer.Ordinal).ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
            throw new WeightFileException(checkpoint.Path, null,
                $"strict load of {what} failed: missing [{List(missing)}] (parameter names), unexpected [{List(unexpected)}] (checkpoint names).");
        foreach (var (name, target) in targets)
        {
            var stored = checkpoint.Tensors[names[name]];
            if (!stored.Shape.SequenceEqual(target.shape))
                throw new WeightFileException(checkpoint.FileOf(stored.Name), stored.Name,
                    $"shape mismatch: the checkpoint has {stored.ShapeText}, {what} expects {ShapeFormat.Of(target.shape)}.");
        }

        using var noGrad = torch.no_grad();
        foreach (var (name, target) in targets)
        {
            using var loaded = checkpoint.Read(names[name], target.dtype, target.device);
            target.copy_(loaded);
        }
    }

    /// <summary>Throws <see cref="WeightFileException"/> listing missing and unexpected names unless the checkpoint has exactly <paramref name="expectedNames"/>.</summary>
    internal static void CheckNames(Checkpoint checkpoint, IEnumerable<string> expectedNames)
    {
        var expected = expectedNames.ToHashSet(StringComparer.Ordinal);
        var missing = expected.Where(name => !checkpoint.Tensors.ContainsKey(name)).Order(StringComparer.Ordinal).ToList();
        var unexpected = checkpoint.Tensors.Keys.Where(name => !expected.Contains(name)).Order(StringComparer.Ordinal).ToList();
        if (missing.Count == 0 && unexpected.Count == 0) return;

        var problems = new List<string>();
        if (missing.Count > 0) problems.Add($"{missing.Count} tensor(s) missing that the model expects: {List(missing)}");
        if (unexpected.Count > 0) problems.Add($"{unexpected.Count} unexpected tensor(s) the model does not have: {List(unexpected)}");
        throw new WeightFileException(checkpoint.Path, null, "strict load failed: " + string.Join("; ", problems) + ".");
    }

    private static string List(List<string> names) =>
        string.Join(", ", names.Take(MaxNamesListed)) + (names.Count > MaxNamesListed ? $", ... and {names.Count - MaxNamesListed} more" : "");
}
