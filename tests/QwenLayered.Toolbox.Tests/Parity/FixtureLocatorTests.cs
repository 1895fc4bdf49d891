using QwenLayered.Toolbox.Parity;

namespace QwenLayered.Toolbox.Tests.Parity;

public class FixtureLocatorTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Default_VariableUnset_IsTheRepositorysReferenceSet(string? environmentValue)
    {
        string folder = FixtureLocator.Default(environmentValue);

        Assert.Equal(Repository.PathOf("tests/fixtures"), folder);
        Assert.NotEmpty(FixtureSet.List(folder));
    }

    [Fact]
    public void Default_VariableSet_IsThatFolder()
    {
        using var other = new TempFolder();

        Assert.Equal(other.Path, FixtureLocator.Default(other.Path));
    }
}
