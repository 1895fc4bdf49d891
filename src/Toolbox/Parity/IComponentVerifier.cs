using static TorchSharp.torch;

namespace QwenLayered.Toolbox.Parity;

/// <summary>
/// Checks one component against its fixture cases: builds it from the manifest's config, loads the case weights,
/// runs it on the stored inputs and returns one result per manifest output (use <see cref="FixtureCase.Check"/>).
/// </summary>
public interface IComponentVerifier
{
    /// <summary>The <c>component</c> value of the cases it handles in <c>index.json</c>.</summary>
    string Component { get; }

    IEnumerable<ParityResult> Verify(FixtureCase fixture, Device device, ScalarType dtype);
}
