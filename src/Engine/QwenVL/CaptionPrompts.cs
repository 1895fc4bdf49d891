namespace QwenLayered.Engine.QwenVL;

/// <summary>
/// The pipeline's caption instructions (<c>image_caption_prompt_en</c>/<c>_cn</c>, spec Appendix A), verbatim: ChatML
/// with the default system turn, the annotator brief with the line breaks the reference source carries, and one
/// <c>&lt;|vision_start|&gt;&lt;|image_pad|&gt;&lt;|vision_end|&gt;</c> placeholder that the processor expands to the
/// image's token count.
/// </summary>
public static class CaptionPrompts
{
    public const string English =
        "<|im_start|>system\n" +
        "You are a helpful assistant.<|im_end|>\n" +
        "<|im_start|>user\n" +
        "# Image Annotator\n" +
        "You are a professional\n" +
        "image annotator. Please write an image caption based on the input image:\n" +
        "1. Write the caption using natural,\n" +
        "descriptive language without structured formats or rich text.\n" +
        "2. Enrich caption details by including: \n" +
        " - Object\n" +
        "attributes, such as quantity, color, shape, size, material, state, position, actions, and so on\n" +
        " - Vision Relations\n" +
        "between objects, such as spatial relations, functional relations, possessive relations, attachment relations, action\n" +
        "relations, comparative relations, causal relations, and so on\n" +
        " - Environmental details, such as weather, lighting,\n" +
        "colors, textures, atmosphere, and so on\n" +
        " - Identify the text clearly visible in the image, without translation or\n" +
        "explanation, and highlight it in the caption with quotation marks\n" +
        "3. Maintain authenticity and accuracy:\n" +
        " - Avoid\n" +
        "generalizations\n" +
        " - Describe all visible information in the image, while do not add information not explicitly shown in\n" +
        "the image\n" +
        "<|vision_start|><|image_pad|><|vision_end|><|im_end|>\n" +
        "<|im_start|>assistant\n";

    public const string Chinese =
        "<|im_start|>system\n" +
        "You are a helpful assistant.<|im_end|>\n" +
        "<|im_start|>user\n" +
        "# 图像标注器\n" +
        "你是一个专业的图像标注器。请基于输入图像，撰写图注:\n" +
        "1.\n" +
        "使用自然、描述性的语言撰写图注，不要使用结构化形式或富文本形式。\n" +
        "2. 通过加入以下内容，丰富图注细节：\n" +
        " - 对象的属性：如数量、颜色、形状、大小、位置、材质、状态、动作等\n" +
        " -\n" +
        "对象间的视觉关系：如空间关系、功能关系、动作关系、从属关系、比较关系、因果关系等\n" +
        " - 环境细节：例如天气、光照、颜色、纹理、气氛等\n" +
        " - 文字内容：识别图像中清晰可见的文字，不做翻译和解释，用引号在图注中强调\n" +
        "3.\n" +
        "保持真实性与准确性：\n" +
        " - 不要使用笼统的描述\n" +
        " -\n" +
        "描述图像中所有可见的信息，但不要加入没有在图像中出现的内容\n" +
        "<|vision_start|><|image_pad|><|vision_end|><|im_end|>\n" +
        "<|im_start|>assistant\n";

    public static string For(CaptionLanguage language) => In(language, English, Chinese);

    /// <summary>
    /// Asks for the image's separate elements as a numbered list, the background first: the count of the automatic
    /// layer count (<see cref="ElementList"/> reads the answer). Asked after the caption, whose instruction stays the
    /// published one, since the model was trained on captions it makes.
    /// </summary>
    public static string Elements(CaptionLanguage language) => In(language,
        Chat("List the separate visual elements of this image that an artist would put on separate layers: the background first, " +
             "then each object, person or block of text in front of it. Write a numbered list, one element per line, a few words each."),
        Chat("列出这张图像中画师会放在不同图层上的独立视觉元素：先写背景，再写它前面的每个物体、人物或文字块。用编号列表，每行一个元素，每个几个词。"));

    /// <summary>Asks for a few words naming what one layer (shown over grey) holds.</summary>
    public static string LayerName(CaptionLanguage language) => In(language,
        Chat("This is one layer of a layered image, shown over grey. Name what it holds in two to four words, for example " +
             "\"sky\", \"title lettering\" or \"person on the left\". Answer with the name only."),
        Chat("这是分层图像中的一个图层，显示在灰色背景上。用两到六个字说出它的内容，例如“天空”、“标题文字”或“左边的人”。只回答名称。"));

    private static string In(CaptionLanguage language, string english, string chinese) => language switch
    {
        CaptionLanguage.English => english,
        CaptionLanguage.Chinese => chinese,
        _ => throw new ArgumentOutOfRangeException(nameof(language), language, "No caption instruction for this language."),
    };

    // One user turn with the image after the text, as the caption instructions have it.
    private static string Chat(string instruction) =>
        "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\n" + instruction +
        "\n<|vision_start|><|image_pad|><|vision_end|><|im_end|>\n<|im_start|>assistant\n";
}
