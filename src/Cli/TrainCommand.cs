using System.CommandLine;
using Microsoft.Extensions.Logging.Abstractions;
using QwenLayered.CommandLine;
using QwenLayered.Engine.ModelFolders;
using QwenLayered.Engine.Runtime;
using QwenLayered.Toolbox.RandomModels;
using QwenLayered.Toolbox.Training;
using QwenLayered.Toolbox.Training.Data;

namespace QwenLayered.Cli;

/// <summary>
/// <c>qwenlayered train</c>: trains one stage (the RGBA-VAE, then the transformer) of the model the engine runs, on
/// layered-scene folders or freshly generated scenes, writing checkpoints that load as model folders.
/// </summary>
internal static class TrainCommand
{
    private const int BarWidth = 30;

    public static Command Create()
    {
        var stage = new Option<TrainingStage>("--stage") { Description = "vae (RGBA reconstruction), transformer (flow matching), or decoder (the VAE's decoder alone, on the frozen encoder's latents).", Required = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for the checkpoints (checkpoint-NNNNNN model folders).", Required = true };
        var init = new Option<DirectoryInfo?>("--init") { Description = "Model folder to start from (for the transformer stage: the VAE stage's checkpoint)." };
        var tokenizer = new Option<DirectoryInfo?>("--tokenizer") { Description = "Qwen2.5 tokenizer folder; without --init, the run starts from a random model of --config's shape using it." };
        var config = new Option<string>("--config") { Description = "Shape of the random starting model without --init: tiny, small or demo.", DefaultValueFactory = _ => "tiny" };
        var data = new Option<DirectoryInfo?>("--data") { Description = "Folder of layered-scene folders (default: generate scenes procedurally)." };
        var samples = new Option<int>("--samples") { Description = "Scenes to generate without --data.", DefaultValueFactory = _ => 256 };
        var size = new Option<int>("--size") { Description = "Side of generated scenes, a multiple of 16.", DefaultValueFactory = _ => 64 };
        var steps = new Option<int>("--steps") { Description = "Total optimiser steps (counted across resumes).", DefaultValueFactory = _ => 1000 };
        var batch = new Option<int>("--batch") { Description = "Images (vae, decoder) or scenes (transformer) per step.", DefaultValueFactory = _ => 4 };
        var learningRate = new Option<double>("--lr") { Description = "AdamW learning rate.", DefaultValueFactory = _ => 2e-4 };
        var decay = new Option<int>("--decay-steps") { Description = "Over this many last steps the learning rate falls linearly to zero (0: constant)." };
        var sigmaShift = new Option<float?>("--sigma-shift") { Description = "Transformer stage: draw noise levels through this time shift, above 1 for noisier (default: the model's scheduler's)." };
        var minSigma = new Option<float>("--min-sigma") { Description = "Transformer stage: the lowest noise level drawn, from 0 to below 1 (noise levels are mapped into [min, 1])." };
        var edgeWeight = new Option<float>("--edge-weight") { Description = "VAE and decoder stages: how much more each image's outermost rows and columns count in the loss, corners the square, so the decoder learns its zero-padded edges (1: every pixel alike).", DefaultValueFactory = _ => 1 };
        var every = new Option<int>("--checkpoint-every") { Description = "Steps between checkpoints.", DefaultValueFactory = _ => 100 };
        var seed = new Option<int>("--seed") { Description = "Seed of the data, the initial weights and every step's randomness.", DefaultValueFactory = _ => 0 };
        var resume = new Option<bool>("--resume") { Description = "Continue from the latest checkpoint of this stage in --out." };
        var device = new Option<string>("--device") { Description = "auto, cpu, cuda or cuda:N.", DefaultValueFactory = _ => "auto" };
        foreach (var positive in new[] { samples, size, steps, batch, every })
            positive.Require(n => n >= 1, $"{positive.Name} must be at least 1.");
        size.Require(n => n % 16 == 0, "--size must be a multiple of 16.");
        decay.Require(n => n >= 0, "--decay-steps must be 0 or more.");
        sigmaShift.Require(s => s > 0, "--sigma-shift must be above 0 (1 leaves the noise levels uniform).");
        minSigma.Require(m => m >= 0 && m < 1, "--min-sigma must be at least 0 and below 1.");
        edgeWeight.Require(w => w > 0, "--edge-weight must be above 0.");

        var command = new Command("train", "Train the VAE, the transformer or the VAE's decoder alone of a small layered model on layered scenes.")
        {
            stage, output, init, tokenizer, config, data, samples, size, steps, batch, learningRate, decay, sigmaShift, minSigma, edgeWeight, every, seed,
            resume, device,
        };
        command.Validators.Add(r =>
        {
            if (r.GetValue(stage) != TrainingStage.Transformer && (r.GetResult(sigmaShift) is not null || r.GetResult(minSigma) is not null))
                r.AddError($"--sigma-shift and --min-sigma set the transformer stage's noise levels; the {r.GetValue(stage).ToString().ToLowerInvariant()} stage has none. Leave them out.");
            if (r.GetValue(stage) == TrainingStage.Transformer && r.GetResult(edgeWeight) is not null)
                r.AddError("--edge-weight weighs the VAE's reconstruction loss; the transformer stage has none. Leave it out.");
        });
        command.SetAction((result, cancellation) =>
        {
            var console = result.InvocationConfiguration.Output;
            try
            {
                string outputFolder = result.GetValue(output)!.FullName;
                int runSeed = result.GetValue(seed);
                var options = new TrainingOptions
                {
                    Stage = result.GetValue(stage),
                    InitFolder = InitFolder(result.GetValue(init), result.GetValue(tokenizer), result.GetValue(config)!, outputFolder, runSeed),
                    OutputFolder = outputFolder,
                    Steps = result.GetValue(steps), BatchSize = result.GetValue(batch), LearningRate = result.GetValue(learningRate),
                    DecaySteps = result.GetValue(decay),
                    NoiseLevels = new NoiseLevels(result.GetValue(sigmaShift), result.GetValue(minSigma)), EdgeWeight = result.GetValue(edgeWeight),
                    CheckpointEvery = result.GetValue(every), Seed = runSeed, Resume = result.GetValue(resume),
                    Device = ComputeDevice.Select(result.GetValue(device)!, NullLogger.Instance),
                };
                var scenes = result.GetValue(data) is { } folder
                    ? SceneFolder.ReadAll(folder.FullName)
                    : SceneGenerator.Generate(runSeed, result.GetValue(samples), result.GetValue(size), result.GetValue(size));
                console.WriteLine($"Training the {options.Stage} stage on {scenes.Count} scenes ({options.Device}), from {options.InitFolder}");
                string last = Trainer.Run(options, scenes, p => Report(console, p), cancellation);
                console.WriteLine($"Latest checkpoint: {last}");
                return Task.FromResult(0);
            }
            catch (Exception error) when (error is ArgumentException or IOException or InvalidDataException)
            {
                throw new UserErrorException(error.Message, error);
            }
            catch (NonFiniteValuesException error)
            {
                throw new UserErrorException($"{error.Message} Try a lower --lr than {result.GetValue(learningRate):0.0e+00}; --resume continues " +
                                             "from the last good checkpoint. If lower rates diverge too, check this machine's numerics with qwenlayered verify.", error);
            }
        });
        return command;
    }

    // A given model folder, or a random one of the named shape written once under the output folder (kept for --resume),
    // its transformer at the adaLN-Zero start, which the VAE stage passes on untouched to the transformer stage.
    private static string InitFolder(DirectoryInfo? init, DirectoryInfo? tokenizer, string config, string outputFolder, int seed)
    {
        if (init is not null) return init.FullName;
        if (tokenizer is null) throw new ArgumentException("Give --init (a model folder) or --tokenizer (to start from a random model of --config's shape).");
        string folder = Path.Combine(outputFolder, "init");
        if (!File.Exists(Path.Combine(folder, "model_index.json")))
            RandomModelFolder.Write(folder, RandomModelConfigs.Named(config, tokenizer.FullName), (ulong)seed, forTraining: true);
        return folder;
    }

    // One line per step, so logs of long runs stay readable.
    private static void Report(TextWriter console, TrainingProgress p)
    {
        int filled = p.Step * BarWidth / p.TotalSteps;
        console.WriteLine($"[{new string('#', filled)}{new string('.', BarWidth - filled)}] step {p.Step}/{p.TotalSteps}  loss {p.Loss:F5}  lr {p.LearningRate:0.0e+00}  " +
                         $"{p.Elapsed.TotalSeconds:F1} s, ~{p.EstimatedRemaining.TotalSeconds:F0} s left" +
                         (p.Checkpoint is null ? "" : $"  checkpoint {p.Checkpoint}"));
    }
}
