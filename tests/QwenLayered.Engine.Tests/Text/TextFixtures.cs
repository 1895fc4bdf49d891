using QwenLayered.Engine.Parity;
using QwenLayered.Engine.Tests.Parity;

namespace QwenLayered.Engine.Tests.Text;

/// <summary>Theory data for the text tests: case names of one component from index.json, never hard-coded.</summary>
internal static class TextFixtures
{
    /// <summary>The cases of <paramref name="component"/>; one placeholder row (skipped) when no fixture set exists.</summary>
    public static TheoryData<string> CasesOf(string component)
    {
        if (!File.Exists(Path.Combine(FixtureCases.Folder, "index.json"))) return new TheoryData<string>(FixtureCases.NoFixtures);
        return new TheoryData<string>(FixtureSet.List(FixtureCases.Folder).Where(c => c.Component == component).Select(c => c.Case));
    }

    /// <summary>The opened case, or a skipped test for the placeholder row.</summary>
    public static FixtureCase Open(string component, string caseName)
    {
        if (caseName == FixtureCases.NoFixtures) Assert.Skip($"No fixture set at {FixtureCases.Folder}; set {FixtureLocator.EnvironmentVariable}.");
        return FixtureSet.Open(FixtureCases.Folder, component).Single(c => c.Name == caseName);
    }
}
