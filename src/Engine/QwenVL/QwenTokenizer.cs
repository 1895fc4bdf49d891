using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace QwenLayered.Engine.QwenVL;

/// <summary>
/// The Qwen2 byte-level BPE tokenizer of Qwen2.5-VL, read from a model folder's <c>tokenizer/</c>
/// (<c>vocab.json</c>, <c>merges.txt</c>, <c>tokenizer_config.json</c>). A thin wrapper over Microsoft.ML.Tokenizers'
/// byte-level <see cref="BpeTokenizer"/>, which reproduces every reference id of the tokenizer fixtures once it is given
/// Qwen2's pre-tokenisation regex, NFC and the added tokens. No BOS/EOS is ever added.
/// </summary>
public sealed class QwenTokenizer
{
    // Qwen2's pre-tokeniser (transformers tokenization_qwen2.PRETOKENIZE_REGEX); \p{N} takes one digit at a time.
    private const string PretokenizePattern =
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    private readonly BpeTokenizer _bpe;
    private readonly HashSet<int> _specialIds;

    private QwenTokenizer(BpeTokenizer bpe, IReadOnlyDictionary<string, int> addedTokens, HashSet<int> specialIds, int padTokenId)
    {
        _bpe = bpe;
        AddedTokens = addedTokens;
        _specialIds = specialIds;
        PadTokenId = padTokenId;
    }

    /// <summary>Added tokens (special or not) by their literal text; each is matched whole in input text, never split.</summary>
    public IReadOnlyDictionary<string, int> AddedTokens { get; }

    /// <summary>The id batches are right-padded with (<c>pad_token</c>, <c>&lt;|endoftext|&gt;</c> for Qwen2).</summary>
    public int PadTokenId { get; }

    /// <summary>Loads the tokenizer from a folder holding vocab.json, merges.txt and tokenizer_config.json.</summary>
    public static QwenTokenizer FromFolder(string tokenizerFolder)
    {
        string vocab = RequireFile(tokenizerFolder, "vocab.json");
        string merges = RequireFile(tokenizerFolder, "merges.txt");
        using var config = JsonDocument.Parse(File.ReadAllText(RequireFile(tokenizerFolder, "tokenizer_config.json")));

        var added = new Dictionary<string, int>(StringComparer.Ordinal);
        var specialIds = new HashSet<int>();
        foreach (var entry in config.RootElement.GetProperty("added_tokens_decoder").EnumerateObject())
        {
            int id = int.Parse(entry.Name, System.Globalization.CultureInfo.InvariantCulture);
            added[entry.Value.GetProperty("content").GetString()!] = id;
            if (entry.Value.TryGetProperty("special", out var special) && special.GetBoolean()) specialIds.Add(id);
        }

        string padToken = TokenText(config.RootElement, "pad_token") ?? "<|endoftext|>";
        if (!added.TryGetValue(padToken, out int padId))
            throw new InvalidDataException($"{tokenizerFolder}: pad_token '{padToken}' is not an added token.");

        var bpe = BpeTokenizer.Create(new BpeOptions(vocab, merges)
        {
            PreTokenizer = new RegexPreTokenizer(new Regex(PretokenizePattern, RegexOptions.Compiled), added),
            Normalizer = NfcNormalizer.Create(),
            ByteLevel = true,
            SpecialTokens = added,
        });
        return new QwenTokenizer(bpe, added, specialIds, padId);
    }

    /// <summary>The ids of <paramref name="text"/>, added tokens recognised literally.</summary>
    public IReadOnlyList<int> Encode(string text) => _bpe.EncodeToIds(text);

    /// <summary>The text of <paramref name="ids"/>; special tokens (such as &lt;|im_end|&gt;) are dropped on request.</summary>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false) =>
        _bpe.Decode(skipSpecialTokens ? ids.Where(id => !_specialIds.Contains(id)) : ids);

    private static string RequireFile(string folder, string name)
    {
        string path = Path.Combine(folder, name);
        if (!File.Exists(path)) throw new FileNotFoundException($"Tokenizer file '{name}' is missing in {folder}.", path);
        return path;
    }

    // tokenizer_config.json writes a token either as a string or as {"content": ...}.
    private static string? TokenText(JsonElement root, string key) =>
        !root.TryGetProperty(key, out var value) ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : value.ValueKind == JsonValueKind.Object ? value.GetProperty("content").GetString()
        : null;
}
