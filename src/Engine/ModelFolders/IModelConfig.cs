namespace QwenLayered.Engine.ModelFolders;

/// <summary>A typed <c>config.json</c> that can say whether its values make sense.</summary>
public interface IModelConfig
{
    /// <summary>Throws <see cref="InvalidDataException"/> describing the first value that cannot work.</summary>
    void Validate();
}
