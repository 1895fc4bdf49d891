using QwenLayered.Engine.Parity;

namespace QwenLayered.Engine.Tests.Parity;

public class FixtureSetTests
{
    [Fact]
    public void TokenizerFolder_SetWithATokenizerCase_IsThatCasesTokenizerFiles()
    {
        string folder = FixtureSet.TokenizerFolder(FixtureCases.Folder);

        Assert.True(File.Exists(Path.Combine(folder, "vocab.json")));
        Assert.True(File.Exists(Path.Combine(folder, "merges.txt")));
    }

    [Fact]
    public void TokenizerFolder_SetWithoutATokenizerCase_SaysSo()
    {
        using var set = new TempFolder();
        File.WriteAllText(set.File("index.json"), """{"cases": [{"case": "vae_a", "component": "vae"}]}""");

        var error = Assert.Throws<FileNotFoundException>(() => FixtureSet.TokenizerFolder(set.Path));
        Assert.Contains("lists no tokenizer case", error.Message);
    }
}
