using System.Text;
using System.Text.Json;
using QwenLayered.Engine.QwenVL;

namespace QwenLayered.Engine.Tests.QwenVL;

/// <summary>
/// A Qwen tokenizer folder with no merges: one id per UTF-8 byte (0–255), then the special tokens from 256 and filler
/// specials up to the tiny model's vocabulary, the stand-in vocabulary of the caption fixtures.
/// </summary>
internal static class ByteLevelTokenizer
{
    private static readonly string[] Specials =
        ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|vision_start|>", "<|vision_end|>", "<|vision_pad|>", "<|image_pad|>", "<|video_pad|>"];

    public static QwenTokenizer Create(TempFolder folder, int vocabSize)
    {
        var vocab = Enumerable.Range(0, 256).ToDictionary(ByteCharacter, b => b);
        File.WriteAllText(folder.File("vocab.json"), JsonSerializer.Serialize(vocab));
        File.WriteAllText(folder.File("merges.txt"), "#version: 0.2\n");
        var added = Enumerable.Range(256, vocabSize - 256).ToDictionary(
            id => id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            id => new { content = id - 256 < Specials.Length ? Specials[id - 256] : $"<|extra_{id}|>", special = true });
        File.WriteAllText(folder.File("tokenizer_config.json"),
            JsonSerializer.Serialize(new { added_tokens_decoder = added, pad_token = "<|endoftext|>" }));
        return QwenTokenizer.FromFolder(folder.Path);
    }

    // GPT-2's bytes_to_unicode: printable bytes stand for themselves, the other 68 map to U+0100 onwards in byte order.
    private static string ByteCharacter(int b)
    {
        bool printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
        if (printable) return ((char)b).ToString();
        int shifted = Enumerable.Range(0, b).Count(x => !(x is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF));
        return new StringBuilder().Append((char)(256 + shifted)).ToString();
    }
}
