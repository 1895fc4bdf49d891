using System.Collections.Concurrent;
using QwenLayered.Engine.QwenVL;
using QwenLayered.Engine.QwenVL.Language;
using QwenLayered.Tests;
using QwenLayered.Toolbox.Parity;

namespace QwenLayered.Engine.Tests.QwenVL;

/// <summary>Theory data for the text tests: case names of one component from index.json, never hard-coded.</summary>
internal static class TextFixtures
{
    private static readonly ConcurrentDictionary<string, QwenTokenizer> Tokenizers = new();

    /// <summary>The cases of <paramref name="component"/>.</summary>
    public static TheoryData<string> CasesOf(string component) =>
        new(FixtureSet.List(FixtureCases.Folder).Where(c => c.Component == component).Select(c => c.Case));

    /// <summary>The opened case.</summary>
    public static FixtureCase Open(string component, string caseName) =>
        FixtureSet.Open(FixtureCases.Folder, component).Single(c => c.Name == caseName);

    /// <summary>The tokenizer of a <c>tokenizer</c> case, loaded once per test run (reading the vocabulary takes a while).</summary>
    public static QwenTokenizer Tokenizer(string caseName)
    {
        using var fixture = Open("tokenizer", caseName);
        return Tokenizers.GetOrAdd(Path.Combine(fixture.Folder, "tokenizer"), QwenTokenizer.FromFolder);
    }
}
