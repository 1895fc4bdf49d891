using QwenLayered.Engine.Pipeline;

namespace QwenLayered.Cli;

/// <summary>
/// Shows sampling progress: a bar redrawn in place on a terminal, one line per step when output is redirected or
/// goes to any other writer (logs, CI and tests stay readable).
/// </summary>
internal sealed class ConsoleProgress(TextWriter output)
{
    private const int BarWidth = 30;

    private readonly bool _interactive = output == Console.Out && !Console.IsOutputRedirected;

    public void Report(DecompositionEvent update)
    {
        switch (update)
        {
            case SamplingProgress p:
                int filled = p.Step * BarWidth / p.TotalSteps;
                string line = $"[{new string('#', filled)}{new string('.', BarWidth - filled)}] step {p.Step}/{p.TotalSteps}  " +
                              $"{p.Elapsed.TotalSeconds:F1} s, ~{p.EstimatedRemaining.TotalSeconds:F0} s left";
                if (_interactive) output.Write($"\r{line}{(p.Step == p.TotalSteps ? Environment.NewLine : "")}");
                else output.WriteLine(line);
                break;
            case PromptReady ready:
                output.WriteLine(ready.Captioned ? $"Caption: {ready.Prompt}" : $"Prompt: {ready.Prompt}");
                output.WriteLine($"Layers: {ready.Layers}");
                break;
            case DecodedLayer layer:
                output.WriteLine($"layer {layer.Index + 1} decoded: {DecompositionPolicy.LayerName(layer)}");
                break;
        }
    }
}
