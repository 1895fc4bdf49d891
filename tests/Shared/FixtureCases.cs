using QwenLayered.Toolbox.Parity;

namespace QwenLayered.Tests;

/// <summary>Theory data from the fixture set's index.json, so any fixture set of the format drives the tests.</summary>
internal static class FixtureCases
{
    public static string Folder => FixtureLocator.Default();

    /// <summary>Every case whose component has a verifier.</summary>
    public static TheoryData<string, string> OfImplementedComponents()
    {
        var data = new TheoryData<string, string>();
        foreach (var (name, component) in FixtureSet.List(Folder).Where(c => VerifierRegistry.Find(c.Component) is not null))
            data.Add(name, component);
        return data;
    }
}
