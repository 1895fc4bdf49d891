using System.Text.Json;
using System.Text.Json.Serialization;
using QwenLayered.Engine.Weights;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace QwenLayered.Toolbox.Training;

/// <summary>
/// A checkpoint is a complete model folder, <c>checkpoint-NNNNNN</c>, that <c>LayeredModel.Load</c> reads like any
/// other: the run's starting folder with the trained component's config and weights replaced. Beside them,
/// <c>trainer_state.json</c> (stage, step) and <c>optimizer.bin</c> (AdamW's moments) let a run resume.
/// </summary>
internal static class TrainingCheckpoint
{
    private const string Prefix = "checkpoint-";
    private const string StateFile = "trainer_state.json";
    private const string OptimizerFile = "optimizer.bin";
    private const string WeightsFile = "diffusion_pytorch_model.safetensors";
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public sealed record State([property: JsonPropertyName("stage")] TrainingStage Stage, [property: JsonPropertyName("step")] int Step);

    public static string OptimizerPath(string checkpoint) => Path.Combine(checkpoint, OptimizerFile);

    /// <summary>
    /// Writes step <paramref name="step"/>'s checkpoint under <paramref name="outputFolder"/>, the component's
    /// <c>config.json</c> holding <paramref name="config"/>; returns its folder.
    /// </summary>
    public static string Write(string outputFolder, string baseFolder, TrainingStage stage, int step, ITrainingObjective objective, object config,
        OptimizerHelper optimizer)
    {
        using var scope = NewDisposeScope(); // the detached copies and the optimizer's saved state
        string folder = Path.Combine(outputFolder, $"{Prefix}{step:D6}");
        CopyModelFolder(baseFolder, folder);
        string component = Path.Combine(folder, objective.Component);
        foreach (string weights in Directory.GetFiles(component, "*.safetensors*")) File.Delete(weights);
        File.WriteAllText(Path.Combine(component, "config.json"), JsonSerializer.Serialize(config, config.GetType(), Indented));
        var tensors = objective.Model.state_dict().ToDictionary(p => p.Key, p => p.Value.detach());
        SafetensorsWriter.Write(Path.Combine(component, WeightsFile), tensors);
        optimizer.save_state_dict(OptimizerPath(folder));
        File.WriteAllText(Path.Combine(folder, StateFile), JsonSerializer.Serialize(new State(stage, step), Indented));
        return folder;
    }

    /// <summary>The checkpoint of <paramref name="stage"/> with the highest step in <paramref name="outputFolder"/>, or null.</summary>
    public static (string Folder, State State)? Latest(string outputFolder, TrainingStage stage) =>
        !Directory.Exists(outputFolder) ? null : Directory.GetDirectories(outputFolder, Prefix + "*")
            .Where(dir => File.Exists(Path.Combine(dir, StateFile)))
            .Select(dir => (Folder: dir, State: JsonSerializer.Deserialize<State>(File.ReadAllText(Path.Combine(dir, StateFile)))!))
            .Where(c => c.State.Stage == stage)
            .OrderByDescending(c => c.State.Step)
            .Select(c => ((string, State)?)c)
            .FirstOrDefault();

    /// <summary>Whether a file of a checkpoint (path relative to it) is the trainer's own rather than the model's.</summary>
    internal static bool IsTrainerFile(string relative) => relative is StateFile or OptimizerFile;

    // Everything of the model folder but the trainer's own files (when the base is itself a checkpoint).
    private static void CopyModelFolder(string source, string target)
    {
        foreach (string file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(source, file);
            if (IsTrainerFile(relative)) continue;
            string destination = Path.Combine(target, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination, overwrite: true);
        }
    }
}
