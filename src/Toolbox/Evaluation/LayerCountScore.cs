using System.Globalization;
using System.Text;
using QwenLayered.Toolbox.Training.Data;

namespace QwenLayered.Toolbox.Evaluation;

/// <summary>How well one way of choosing the layer count did on scenes whose true count is known.</summary>
/// <param name="FromModel">Scenes whose count the captioner's list gave (the rest fell back to the image heuristic).</param>
public sealed record LayerCountScore(string Method, int Scenes, double ExactRate, double MeanAbsoluteError, int FromModel)
{
    /// <summary>Scores <paramref name="chosen"/> (one count per scene) against each scene's true layer count.</summary>
    public static LayerCountScore Of(string method, IReadOnlyList<LayeredScene> scenes, IReadOnlyList<int> chosen, int fromModel = 0) => new(
        method, scenes.Count,
        scenes.Select((scene, i) => scene.Layers.Count == chosen[i] ? 1.0 : 0.0).Average(),
        scenes.Select((scene, i) => (double)Math.Abs(scene.Layers.Count - chosen[i])).Average(),
        fromModel);

    /// <summary>The scores as a Markdown table.</summary>
    public static string ToMarkdown(IEnumerable<LayerCountScore> scores)
    {
        var text = new StringBuilder("| method | scenes | exact count | mean abs. error | listed by the captioner |\n|---|---:|---:|---:|---:|\n");
        foreach (var s in scores)
            text.Append(CultureInfo.InvariantCulture, $"| {s.Method} | {s.Scenes} | {s.ExactRate:P0} | {s.MeanAbsoluteError:F2} | {s.FromModel} |\n");
        return text.ToString();
    }
}
