namespace QwenLayered.Engine.ModelFolders;

/// <summary>One entry of <c>model_index.json</c> and where its files are.</summary>
internal sealed record ModelComponent(string Name, string Library, string ClassName, string Folder, string ConfigPath)
{
    /// <summary>The component's config, typed.</summary>
    public T ReadConfig<T>() where T : IModelConfig => ConfigFile.Read<T>(ConfigPath);
}
