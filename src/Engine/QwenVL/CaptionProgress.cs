namespace QwenLayered.Engine.QwenVL;

/// <summary>Reported after each generated token: tokens so far, the limit, and the time since captioning began.</summary>
public sealed record CaptionProgress(int Tokens, int MaxTokens, TimeSpan Elapsed);
