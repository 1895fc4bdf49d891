using QwenLayered.Engine.ModelFolders;
using QwenLayered.Engine.Pipeline;
using QwenLayered.Engine.QwenVL;
using QwenLayered.Engine.QwenVL.Language;
using QwenLayered.Tests;
using QwenLayered.Toolbox.RandomModels;
using TorchSharp;

[assembly: AssemblyFixture(typeof(QwenLayered.Tests.TinyModel))]

namespace QwenLayered.Tests;

/// <summary>
/// A complete random-weight model folder in the published layout, written once per test run, with its pipeline and
/// prompt encoder loaded through the same code as the real model.
/// </summary>
public sealed class TinyModel : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly Lazy<LayeredDecompositionPipeline> _pipeline;
    private readonly Lazy<PromptEncoder> _prompts;

    public TinyModel()
    {
        RandomModelFolder.Write(Folder, RandomModelConfigs.Tiny(Repository.Tokenizer), seed: 7);
        _pipeline = new(() => LayeredDecompositionPipeline.FromPretrained(ModelFolder.Open(Folder), torch.ScalarType.Float32, torch.CPU));
        _prompts = new(() => PromptEncoder.FromPretrained(ModelFolder.Open(Folder), torch.ScalarType.Float32, torch.CPU));
    }

    public string Folder => _folder.Path;

    public LayeredDecompositionPipeline Pipeline => _pipeline.Value;

    public PromptEncoder Prompts => _prompts.Value;

    public void Dispose()
    {
        if (_pipeline.IsValueCreated) _pipeline.Value.Dispose();
        if (_prompts.IsValueCreated) _prompts.Value.Dispose();
        _folder.Dispose();
    }
}
