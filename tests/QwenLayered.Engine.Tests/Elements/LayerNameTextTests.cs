using QwenLayered.Engine.Elements;

namespace QwenLayered.Engine.Tests.Elements;

public class LayerNameTextTests
{
    [Theory]
    [InlineData("sky", "sky")]
    [InlineData("  \"Title lettering.\"  \nIt says SALE.", "Title lettering")]
    [InlineData("Name: person on the left", "person on the left")]
    [InlineData("“天空”。", "天空")]
    [InlineData("red\tcar\u0007", "red car")]
    public void Clean_Answer_IsItsFirstLineAsAName(string answer, string name) => Assert.Equal(name, LayerNameText.Clean(answer));

    [Theory]
    [InlineData("")]
    [InlineData(" \n \"\" ")]
    public void Clean_NothingLeft_IsNull(string answer) => Assert.Null(LayerNameText.Clean(answer));

    [Fact]
    public void Clean_LongAnswer_IsCutAtAWordWithinTheLength()
    {
        string name = LayerNameText.Clean("a very long description of everything this layer holds in great detail")!;

        Assert.InRange(name.Length, 1, LayerNameText.MaxLength);
        Assert.Equal("a very long description of everything", name);
    }
}
