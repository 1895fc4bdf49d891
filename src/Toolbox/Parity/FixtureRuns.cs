namespace QwenLayered.Toolbox.Parity;

/// <summary>
/// Output names of cases that store several runs as <c>{run}.{quantity}</c> (and plain <c>{quantity}</c> for a case
/// with one run): the run prefix names that run's inputs, <c>{run}.pixel_values</c> and so on.
/// </summary>
internal static class FixtureRuns
{
    public static (string Run, string Quantity) Split(string output)
    {
        int dot = output.LastIndexOf('.');
        return dot < 0 ? ("", output) : (output[..(dot + 1)], output[(dot + 1)..]);
    }
}
