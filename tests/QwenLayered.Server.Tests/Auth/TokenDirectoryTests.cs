using Microsoft.Extensions.Options;
using QwenLayered.Server.Auth;
using QwenLayered.Server.Hosting;

namespace QwenLayered.Server.Tests.Auth;

public class TokenDirectoryTests
{
    [Fact]
    public void Find_ConfiguredToken_IsItsArtistWithTheAdminFlag()
    {
        var tokens = Directory(new ApiToken { Token = "t1", Artist = "ann" }, new ApiToken { Token = "t2", Artist = "lead", Admin = true });

        Assert.Equal(new Caller("lead", IsAdmin: true), tokens.Find("t2"));
        Assert.Equal(new Caller("ann", IsAdmin: false), tokens.Find("t1"));
        Assert.Null(tokens.Find("t3"));
        Assert.True(tokens.IsEnabled);
    }

    [Fact]
    public void Constructor_SameTokenTwice_IsAConfigurationError()
    {
        var error = Assert.Throws<ServerConfigurationException>(() =>
            Directory(new ApiToken { Token = "t", Artist = "ann" }, new ApiToken { Token = "t", Artist = "bob" }));

        Assert.Contains("twice", error.Message);
    }

    [Fact]
    public void Constructor_TokenWithoutArtist_IsAConfigurationError()
    {
        Assert.Throws<ServerConfigurationException>(() => Directory(new ApiToken { Token = "t" }));
    }

    private static TokenDirectory Directory(params ApiToken[] tokens) => new(Options.Create(new AuthOptions { Tokens = [.. tokens] }));
}
