using System.Reflection;
using TorchSharp;

namespace QwenLayered.Engine.Runtime;

/// <summary>Which TorchSharp and libtorch build this engine was compiled against.</summary>
public static class TorchRuntime
{
    /// <summary>"cpu" or "cuda": the libtorch native package chosen at build time (-p:TorchBackend).</summary>
    public static string Backend { get; } = typeof(TorchRuntime).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "TorchBackend").Value!;

    /// <summary>For logs and <c>qwenlayered info</c>, for example "TorchSharp 0.107.0, cpu libtorch".</summary>
    public static string Description =>
        $"TorchSharp {typeof(torch).Assembly.GetName().Version?.ToString(3)}, {Backend} libtorch";
}
