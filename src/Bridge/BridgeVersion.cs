using System.Reflection;

namespace QwenLayered.Bridge;

/// <summary>This bridge's version, from the assembly's informational version.</summary>
public static class BridgeVersion
{
    public static string Current { get; } =
        typeof(BridgeVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
}
