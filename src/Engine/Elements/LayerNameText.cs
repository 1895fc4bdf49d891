using System.Text;

namespace QwenLayered.Engine.Elements;

/// <summary>
/// Turns the model's answer to <see cref="QwenVL.CaptionPrompts.LayerName"/> into a layer name: its first line, without
/// a "Name:" lead, quotes, trailing full stop or control characters, at most <see cref="MaxLength"/> characters (cut at
/// a word). Null when nothing is left.
/// </summary>
public static class LayerNameText
{
    public const int MaxLength = 40;

    private static readonly string[] Leads = ["name:", "layer name:", "名称：", "名称:"];
    private const string Trimmed = " \t\"'“”‘’「」《》.。,，:：;；*-";

    public static string? Clean(string answer)
    {
        string line = answer.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "";
        foreach (string lead in Leads)
            if (line.StartsWith(lead, StringComparison.OrdinalIgnoreCase)) line = line[lead.Length..];
        var text = new StringBuilder();
        foreach (char c in line.Trim(Trimmed.ToCharArray()))
            if (char.IsWhiteSpace(c)) text.Append(' ');
            else if (!char.IsControl(c) && c != '\uFFFD') text.Append(c);
        string name = string.Join(' ', text.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries));
        if (name.Length > MaxLength)
        {
            int cut = name.LastIndexOf(' ', MaxLength);
            name = name[..(cut > MaxLength / 2 ? cut : MaxLength)].TrimEnd();
            if (char.IsHighSurrogate(name[^1])) name = name[..^1];
        }
        return name.Length > 0 ? name : null;
    }
}
