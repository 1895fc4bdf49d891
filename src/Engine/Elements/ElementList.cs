using System.Text.RegularExpressions;

namespace QwenLayered.Engine.Elements;

/// <summary>
/// Reads the model's answer to <see cref="QwenVL.CaptionPrompts.Elements"/>: the first numbered list in it ("1. sky",
/// "2) a red car", "3、标题"), numbered 1, 2, 3, … line by line. An answer without one (an untrained model's junk, a
/// refusal) gives null, and the image heuristic decides instead.
/// </summary>
public static partial class ElementList
{
    /// <summary>Longest element text taken for a list item; a longer line is not one.</summary>
    public const int MaxItemLength = 80;

    /// <summary>The listed elements, in order; null when the answer holds no numbered list.</summary>
    public static IReadOnlyList<string>? Parse(string answer)
    {
        var items = new List<string>();
        foreach (string line in answer.Split('\n').Select(line => line.Trim()).Where(line => line.Length > 0))
        {
            var match = Item().Match(line);
            bool next = match.Success && int.TryParse(match.Groups[1].Value, out int number) && number == items.Count + 1
                        && match.Groups[2].Value.Length <= MaxItemLength;
            if (next) items.Add(match.Groups[2].Value.Trim());
            else if (items.Count > 0) break;
        }
        return items.Count > 0 ? items : null;
    }

    [GeneratedRegex(@"^(\d{1,2})\s*[.)、:：]\s*(\S.*)$")]
    private static partial Regex Item();
}
