using System.Text.Json;

namespace QwenLayered.Engine.ModelFolders;

/// <summary>
/// A model in the diffusers layout: <c>model_index.json</c> naming the components, and one subfolder per component
/// (<c>transformer/</c>, <c>vae/</c>, <c>text_encoder/</c>, <c>tokenizer/</c>, <c>scheduler/</c>) with its config file.
/// Opening checks that every component the index names has its folder and config.
/// </summary>
public sealed class ModelFolder
{
    // Diffusers names the scheduler's and tokenizer's configs after the component kind.
    private static readonly string[] ConfigNames = ["config.json", "scheduler_config.json", "tokenizer_config.json", "preprocessor_config.json"];

    private ModelFolder(string root, string pipelineClass, IReadOnlyDictionary<string, ModelComponent> components)
    {
        Root = root;
        PipelineClass = pipelineClass;
        Components = components;
    }

    public string Root { get; }

    /// <summary><c>_class_name</c> of <c>model_index.json</c>, e.g. <c>QwenImageLayeredPipeline</c>.</summary>
    public string PipelineClass { get; }

    internal IReadOnlyDictionary<string, ModelComponent> Components { get; }

    public static ModelFolder Open(string root)
    {
        if (!Directory.Exists(root)) throw new ModelFolderException(root, "the model folder does not exist.");
        string indexPath = Path.Combine(root, "model_index.json");
        if (!File.Exists(indexPath)) throw new ModelFolderException(indexPath, "model_index.json is missing; not a diffusers model folder.");

        JsonDocument index;
        try
        {
            index = JsonDocument.Parse(File.ReadAllBytes(indexPath));
        }
        catch (JsonException error)
        {
            throw new ModelFolderException(indexPath, $"not valid JSON ({error.Message}).", error);
        }
        using (index)
        {
            var components = new Dictionary<string, ModelComponent>(StringComparer.Ordinal);
            string pipelineClass = "";
            foreach (var entry in index.RootElement.EnumerateObject())
            {
                if (entry.Name == "_class_name") pipelineClass = entry.Value.GetString() ?? "";
                if (entry.Name.StartsWith('_') || entry.Value.ValueKind != JsonValueKind.Array) continue;
                string[] libraryAndClass = [.. entry.Value.EnumerateArray().Select(v => v.GetString() ?? "")];
                if (libraryAndClass.Length != 2 || libraryAndClass.Any(string.IsNullOrEmpty)) continue; // [null, null]: component absent
                components[entry.Name] = OpenComponent(root, entry.Name, libraryAndClass[0], libraryAndClass[1]);
            }
            return new ModelFolder(root, pipelineClass, components);
        }
    }

    /// <summary>The component named <paramref name="name"/> in <c>model_index.json</c>.</summary>
    internal ModelComponent Component(string name) =>
        Components.TryGetValue(name, out var component)
            ? component
            : throw new ModelFolderException(Path.Combine(Root, "model_index.json"), $"names no component '{name}'; it has {string.Join(", ", Components.Keys)}.");

    private static ModelComponent OpenComponent(string root, string name, string library, string className)
    {
        string folder = Path.Combine(root, name);
        if (!Directory.Exists(folder))
            throw new ModelFolderException(folder, $"the folder of component '{name}' ({library} {className}) is missing.");
        string? config = ConfigNames.Select(file => Path.Combine(folder, file)).FirstOrDefault(File.Exists);
        if (config is null)
            throw new ModelFolderException(folder, $"component '{name}' has no config file ({string.Join(", ", ConfigNames)}).");
        return new ModelComponent(name, library, className, folder, config);
    }
}
