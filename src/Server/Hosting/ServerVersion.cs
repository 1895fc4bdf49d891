using System.Reflection;

namespace QwenLayered.Server.Hosting;

/// <summary>The version of this server and of the contract it speaks.</summary>
public static class ServerVersion
{
    public const string Contract = "qwenlayered.v1";

    public static string Current { get; } =
        typeof(ServerVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? "0.0.0";
}
