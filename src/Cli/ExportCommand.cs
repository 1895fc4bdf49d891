using System.CommandLine;
using QwenLayered.CommandLine;
using QwenLayered.Engine.Runtime;
using QwenLayered.Toolbox.Training;

namespace QwenLayered.Cli;

/// <summary><c>qwenlayered export</c>: turns a training checkpoint into a model folder to ship, with its weights in one dtype.</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var model = new Option<DirectoryInfo>("--model") { Description = "The checkpoint (or any model folder) to export.", Required = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder to write the model into.", Required = true };
        var dtype = new Option<string>("--dtype") { Description = "Dtype of the stored weights: bf16, fp16 or fp32.", DefaultValueFactory = _ => "bf16" };
        var command = new Command("export", "Write a training checkpoint as a model folder without the trainer's state, its weights in one dtype.")
        {
            model, output, dtype,
        };
        command.SetAction(result =>
        {
            var source = result.GetValue(model)!;
            if (!File.Exists(Path.Combine(source.FullName, "model_index.json")))
                throw new UserErrorException($"{source.FullName} is not a model folder (it has no model_index.json).");
            try
            {
                ModelExport.Write(source.FullName, result.GetValue(output)!.FullName, DTypeName.Parse(result.GetValue(dtype)!));
            }
            catch (Exception error) when (error is ArgumentException or IOException)
            {
                throw new UserErrorException(error.Message, error);
            }
            result.InvocationConfiguration.Output.WriteLine($"Exported {source.FullName} to {result.GetValue(output)!.FullName} ({result.GetValue(dtype)} weights)");
            return 0;
        });
        return command;
    }
}
