using QwenLayered.Engine.Elements;

namespace QwenLayered.Engine.Tests.Elements;

public class ElementListTests
{
    [Fact]
    public void Parse_NumberedList_IsItsItemsInOrder() =>
        Assert.Equal(["blue sky", "red car", "title \"SALE\""], ElementList.Parse("1. blue sky\n2) red car\n3: title \"SALE\""));

    [Fact]
    public void Parse_ListAfterAnIntroductionAndBeforeAComment_TakesTheListOnly() =>
        Assert.Equal(["background", "person"], ElementList.Parse("Here are the elements:\n\n1. background\n2. person\n\nThat is all.\n3. ghost"));

    [Fact]
    public void Parse_ChineseNumbering_IsRead() => Assert.Equal(["天空", "标题文字"], ElementList.Parse("1、天空\n2、标题文字"));

    [Theory]
    [InlineData("")]
    [InlineData("a lovely picture of a cat on a sofa")]
    [InlineData("2. starts at two\n3. then three")]
    [InlineData("ĠđėŁ 7x ))) 1.")]
    public void Parse_NoNumberedListFromOne_IsNull(string answer) => Assert.Null(ElementList.Parse(answer));

    [Fact]
    public void Parse_ItemLongerThanAnElementName_EndsTheList() =>
        Assert.Equal(["sky"], ElementList.Parse("1. sky\n2. " + new string('x', ElementList.MaxItemLength + 1)));
}
