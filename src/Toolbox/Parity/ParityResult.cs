namespace QwenLayered.Toolbox.Parity;

/// <summary>How one output of one fixture case compares with the reference.</summary>
public sealed record ParityResult(
    string Case,
    string Component,
    string Output,
    bool Passed,
    double MaxAbsError,
    long[] WorstIndex,
    long FailingElements,
    Tolerance? Tolerance,
    string? Problem = null)
{
    /// <summary>A result for an output that could not be compared at all (missing, wrong shape, not implemented).</summary>
    public static ParityResult Failure(string caseName, string component, string output, string problem) =>
        new(caseName, component, output, false, double.NaN, [], 0, null, problem);
}
