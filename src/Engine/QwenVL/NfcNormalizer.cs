using System.Text;
using Microsoft.ML.Tokenizers;

namespace QwenLayered.Engine.QwenVL;

/// <summary>Unicode NFC, the normaliser of the Qwen2 tokenizer (decomposed accents and jamo compose before BPE).</summary>
internal sealed class NfcNormalizer : Normalizer
{
    private NfcNormalizer() { }

    /// <summary>The normaliser, after checking that this process can normalise at all.</summary>
    public static NfcNormalizer Create()
    {
        // With InvariantGlobalization the runtime has no Unicode data and string.Normalize silently returns its
        // input, which would change the ids of accented or Korean prompts without any error.
        if ("e\u0301".Normalize(NormalizationForm.FormC) != "\u00e9")
            throw new InvalidOperationException(
                "Unicode normalisation is unavailable in this process (globalization-invariant mode or no ICU). " +
                "The Qwen2 tokenizer needs NFC: build with InvariantGlobalization=false and install libicu.");
        return new NfcNormalizer();
    }

    public override string Normalize(string original) => original.Normalize(NormalizationForm.FormC);

    public override string Normalize(ReadOnlySpan<char> original) => Normalize(original.ToString());
}
