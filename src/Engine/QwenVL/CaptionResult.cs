namespace QwenLayered.Engine.QwenVL;

/// <summary>
/// A caption for callers to show (and let the user edit): the text used as the prompt, how many tokens were generated,
/// how long it took, and whether it came from the cache (then no model ran and <see cref="Elapsed"/> is the lookup).
/// </summary>
public sealed record CaptionResult(string Text, int Tokens, TimeSpan Elapsed, bool FromCache);
