using System.Runtime.CompilerServices;
using QwenLayered.Engine.Runtime;

namespace QwenLayered.Tests;

/// <summary>Runs the tests' own libtorch as the <c>qwenlayered</c> executable runs its own (see its Program.cs).</summary>
internal static class TestProcessRuntime
{
    // Before any test touches torch: the test host loads libtorch's OpenMP runtime once, like the executable.
    [ModuleInitializer]
    internal static void Apply() => OpenMpWaitPolicy.Apply();
}
