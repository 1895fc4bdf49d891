using System.Text.Json;
using TorchSharp;

namespace QwenLayered.Engine.Weights;

/// <summary>
/// A set of weights in one safetensors file or in shards listed by a <c>*.safetensors.index.json</c>
/// (<c>{"metadata": {...}, "weight_map": {tensor: shard file}}</c>). Tensors are read on demand.
/// </summary>
public sealed class Checkpoint : IDisposable
{
    private readonly IReadOnlyDictionary<string, SafetensorsFile> _fileOf;
    private readonly List<SafetensorsFile> _files;

    private Checkpoint(string path, List<SafetensorsFile> files, IReadOnlyDictionary<string, SafetensorsFile> fileOf)
    {
        Path = path;
        _files = files;
        _fileOf = fileOf;
        Tensors = fileOf.ToDictionary(pair => pair.Key, pair => pair.Value.Tensors[pair.Key], StringComparer.Ordinal);
    }

    /// <summary>The file or index the checkpoint was opened from.</summary>
    public string Path { get; }

    /// <summary>Every tensor over all shards.</summary>
    public IReadOnlyDictionary<string, TensorInfo> Tensors { get; }

    /// <summary>
    /// Opens a <c>.safetensors</c> file, a <c>.safetensors.index.json</c>, or a folder holding exactly one index
    /// or, failing that, exactly one <c>.safetensors</c> file.
    /// </summary>
    public static Checkpoint Open(string path)
    {
        if (Directory.Exists(path)) return Open(FindIn(path));
        if (path.EndsWith(".index.json", StringComparison.OrdinalIgnoreCase)) return OpenIndex(path);

        var file = SafetensorsFile.Open(path);
        return new Checkpoint(path, [file], file.Tensors.Keys.ToDictionary(name => name, _ => file, StringComparer.Ordinal));
    }

    /// <summary>The shard holding <paramref name="name"/>.</summary>
    public string FileOf(string name) => Lookup(name).Path;

    /// <summary>Reads one tensor as <paramref name="dtype"/> on <paramref name="device"/>.</summary>
    public torch.Tensor Read(string name, torch.ScalarType dtype, torch.Device device) => Lookup(name).Read(name, dtype, device);

    public void Dispose()
    {
        foreach (var file in _files) file.Dispose();
    }

    private SafetensorsFile Lookup(string name) =>
        _fileOf.TryGetValue(name, out var file) ? file : throw new WeightFileException(Path, name, "no such tensor in this checkpoint.");

    private static string FindIn(string folder)
    {
        string[] indexes = Directory.GetFiles(folder, "*.safetensors.index.json");
        string[] candidates = indexes.Length > 0 ? indexes : Directory.GetFiles(folder, "*.safetensors");
        return candidates.Length == 1
            ? candidates[0]
            : throw new WeightFileException(folder, null,
                $"expected exactly one *.safetensors.index.json or one *.safetensors file, found {candidates.Length}.");
    }

    private static Checkpoint OpenIndex(string indexPath)
    {
        var weightMap = ReadWeightMap(indexPath);
        string folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(indexPath))!;
        var shards = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
        var fileOf = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
        try
        {
            foreach (var (tensor, shardName) in weightMap)
            {
                if (!shards.TryGetValue(shardName, out var shard))
                {
                    string shardPath = System.IO.Path.Combine(folder, shardName);
                    if (!File.Exists(shardPath))
                        throw new WeightFileException(indexPath, tensor, $"its shard '{shardName}' does not exist next to the index.");
                    shard = shards[shardName] = SafetensorsFile.Open(shardPath);
                }
                if (!shard.Tensors.ContainsKey(tensor))
                    throw new WeightFileException(indexPath, tensor, $"the weight_map places it in '{shardName}', which does not contain it.");
                fileOf[tensor] = shard;
            }
        }
        catch
        {
            foreach (var shard in shards.Values) shard.Dispose();
            throw;
        }
        return new Checkpoint(indexPath, [.. shards.Values], fileOf);
    }

    private static Dictionary<string, string> ReadWeightMap(string indexPath)
    {
        if (!File.Exists(indexPath)) throw new WeightFileException(indexPath, null, "the shard index does not exist.");
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(indexPath));
            if (!document.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
                throw new WeightFileException(indexPath, null, "the shard index has no weight_map object.");
            var weightMap = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var entry in map.EnumerateObject())
            {
                if (entry.Value.ValueKind != JsonValueKind.String)
                    throw new WeightFileException(indexPath, entry.Name, "its weight_map entry is not a shard file name.");
                weightMap[entry.Name] = entry.Value.GetString()!;
            }
            return weightMap;
        }
        catch (JsonException error)
        {
            throw new WeightFileException(indexPath, null, $"the shard index is not valid JSON ({error.Message}).", error);
        }
    }
}
