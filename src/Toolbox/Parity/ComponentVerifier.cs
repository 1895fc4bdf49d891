using static TorchSharp.torch;

namespace QwenLayered.Toolbox.Parity;

/// <summary>
/// Checks one component against its fixture cases: builds it from the manifest's config, loads the case weights,
/// runs it on the stored inputs and returns one result per manifest output (use <see cref="FixtureCase.Check"/>).
/// </summary>
/// <param name="component">The <c>component</c> value of the cases it handles in <c>index.json</c>.</param>
public abstract class ComponentVerifier(string component)
{
    public string Component { get; } = component;

    /// <summary>The results of one case; every tensor the run makes is freed before this returns.</summary>
    public IReadOnlyList<ParityResult> Verify(FixtureCase fixture, Device device, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        return [.. Run(fixture, device, dtype)];
    }

    protected abstract IEnumerable<ParityResult> Run(FixtureCase fixture, Device device, ScalarType dtype);
}
