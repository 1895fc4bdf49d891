namespace QwenLayered.Engine.Caption;

/// <summary>The language of the caption instruction (the pipeline's <c>use_en_prompt</c>; its default is Chinese).</summary>
public enum CaptionLanguage
{
    English,
    Chinese,
}
