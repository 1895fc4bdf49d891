using QwenLayered.Engine.QwenVL;

namespace QwenLayered.Engine.Tests.QwenVL;

public class CaptionLanguageNameTests
{
    [Theory]
    [InlineData("en", CaptionLanguage.English)]
    [InlineData("ZH", CaptionLanguage.Chinese)]
    public void Parse_OptionValue_GivesTheLanguage(string name, CaptionLanguage expected)
    {
        Assert.Equal(expected, CaptionLanguageName.Parse(name));
        Assert.Equal(name.ToLowerInvariant(), CaptionLanguageName.Of(expected));
    }

    [Fact]
    public void Parse_UnknownValue_ThrowsNamingTheChoices()
    {
        var error = Assert.Throws<ArgumentException>(() => CaptionLanguageName.Parse("fr"));

        Assert.Contains("en or zh", error.Message);
    }

    [Fact]
    public void For_EachLanguage_HoldsExactlyOneImagePlaceholderInsideTheUserTurn()
    {
        foreach (var language in Enum.GetValues<CaptionLanguage>())
        {
            string prompt = CaptionPrompts.For(language);
            Assert.Single(System.Text.RegularExpressions.Regex.Matches(prompt, @"<\|image_pad\|>"));
            Assert.EndsWith("<|vision_start|><|image_pad|><|vision_end|><|im_end|>\n<|im_start|>assistant\n", prompt);
        }
    }
}
