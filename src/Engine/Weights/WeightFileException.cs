namespace QwenLayered.Engine.Weights;

/// <summary>
/// A weight file that cannot be used: malformed, truncated, or not matching the model.
/// The message always names the file, the tensor when one is involved, and the problem.
/// </summary>
public sealed class WeightFileException : Exception
{
    public WeightFileException(string filePath, string? tensorName, string problem, Exception? inner = null)
        : base(Format(filePath, tensorName, problem), inner)
    {
        FilePath = filePath;
        TensorName = tensorName;
        Problem = problem;
    }

    /// <summary>The safetensors file, shard index or checkpoint the problem was found in.</summary>
    public string FilePath { get; }

    /// <summary>The tensor concerned, or null when the problem is about the file as a whole.</summary>
    public string? TensorName { get; }

    /// <summary>What is wrong, without the file and tensor names.</summary>
    public string Problem { get; }

    private static string Format(string filePath, string? tensorName, string problem) =>
        tensorName is null ? $"{filePath}: {problem}" : $"{filePath}: tensor '{tensorName}': {problem}";
}
