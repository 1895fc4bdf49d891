namespace QwenLayered.Engine.QwenVL;

/// <summary>
/// The fixed ChatML template the pipeline wraps every prompt in (diffusers <c>prompt_template_encode</c>, spec
/// Appendix A). The tokenizer's own Jinja chat template is never used.
/// </summary>
public static class PromptTemplate
{
    /// <summary>Everything before the prompt: the system turn and the opening of the user turn.</summary>
    public const string Prefix =
        "<|im_start|>system\nDescribe the image by detailing the color, shape, size, texture, quantity, text, " +
        "spatial relationships of the objects and background:<|im_end|>\n<|im_start|>user\n";

    /// <summary>Everything after the prompt; its 5 tokens stay in the embeddings.</summary>
    public const string Suffix = "<|im_end|>\n<|im_start|>assistant\n";

    /// <summary>
    /// Hidden states dropped from the front of every prompt (<c>prompt_template_encode_start_idx</c>): the tokens of
    /// <see cref="Prefix"/>. A hard-coded count upstream, so a prompt starting with a newline shifts it, as there.
    /// </summary>
    public const int DropTokens = 34;

    /// <summary>The negative prompt of the official settings; CFG is off without one.</summary>
    public const string DefaultNegativePrompt = " ";

    /// <summary>The text handed to the tokenizer for <paramref name="prompt"/> (Python's <c>template.format(prompt)</c>).</summary>
    public static string Format(string prompt) => Prefix + prompt + Suffix;
}
