namespace QwenLayered.Engine.QwenVL;

/// <summary>The language of the caption instruction (the pipeline's <c>use_en_prompt</c>; its default is Chinese).</summary>
public enum CaptionLanguage
{
    English,
    Chinese,
}

/// <summary>The values of a <c>--caption-language</c> option: <c>en</c> or <c>zh</c>.</summary>
public static class CaptionLanguageName
{
    public static CaptionLanguage Parse(string name) => name.ToLowerInvariant() switch
    {
        "en" or "english" => CaptionLanguage.English,
        "zh" or "cn" or "chinese" => CaptionLanguage.Chinese,
        _ => throw new ArgumentException($"Unknown caption language '{name}'; use en or zh."),
    };

    public static string Of(CaptionLanguage language) => language == CaptionLanguage.Chinese ? "zh" : "en";
}
