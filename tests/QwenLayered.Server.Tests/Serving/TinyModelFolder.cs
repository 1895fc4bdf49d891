using QwenLayered.Engine.ModelFolders;
using QwenLayered.Tests;
using QwenLayered.Toolbox.RandomModels;

[assembly: AssemblyFixture(typeof(QwenLayered.Server.Tests.Serving.TinyModelFolder))]

namespace QwenLayered.Server.Tests.Serving;

/// <summary>A complete random-weight model folder in the published layout, written once per test run.</summary>
public sealed class TinyModelFolder : IDisposable
{
    public TinyModelFolder() => RandomModelFolder.Write(Path, RandomModelConfigs.Tiny(Repository.Tokenizer), seed: 11);

    public string Path { get; } = Directory.CreateTempSubdirectory("qwenlayered-tiny-model-").FullName;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
