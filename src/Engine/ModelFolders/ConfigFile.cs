using System.Text.Json;

namespace QwenLayered.Engine.ModelFolders;

/// <summary>Reads a typed config from JSON. Unknown keys (such as <c>_class_name</c>) are ignored; wrong types are errors.</summary>
public static class ConfigFile
{
    public static T Read<T>(string path) where T : IModelConfig
    {
        if (!File.Exists(path)) throw new ModelFolderException(path, "the config file does not exist.");
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            return FromElement<T>(path, document.RootElement);
        }
        catch (JsonException error)
        {
            throw new ModelFolderException(path, $"the config is not valid JSON ({error.Message}).", error);
        }
    }

    /// <summary>Reads a config held inside another JSON document (a fixture manifest, for example); <paramref name="origin"/> names it in errors.</summary>
    public static T FromElement<T>(string origin, JsonElement element) where T : IModelConfig
    {
        T config;
        try
        {
            config = element.Deserialize<T>() ?? throw new ModelFolderException(origin, $"the config is null, not a {typeof(T).Name}.");
        }
        catch (JsonException error)
        {
            throw new ModelFolderException(origin, $"the config does not fit {typeof(T).Name}: {error.Message}", error);
        }
        try
        {
            config.Validate();
        }
        catch (InvalidDataException error)
        {
            throw new ModelFolderException(origin, $"invalid {typeof(T).Name}: {error.Message}", error);
        }
        return config;
    }
}
