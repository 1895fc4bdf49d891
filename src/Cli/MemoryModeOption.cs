using System.CommandLine;
using QwenLayered.CommandLine;
using QwenLayered.Engine.Memory;

namespace QwenLayered.Cli;

/// <summary>The <c>--memory</c> option of <c>serve</c>, <c>decompose</c>, <c>eval</c>, <c>bench</c> and <c>plan</c>.</summary>
internal static class MemoryModeOption
{
    public static Option<string?> Create()
    {
        var option = new Option<string?>("--memory")
        {
            Description = $"Where the weights live: {MemoryModes.Choices} (default {MemoryModes.Default.Name()}; " +
                          "qwenlayered plan shows what each needs).",
        };
        option.Require(name => name is null || TryParse(name), $"--memory must be {MemoryModes.Choices}.");
        return option;
    }

    private static bool TryParse(string name)
    {
        try
        {
            MemoryModes.Parse(name);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
