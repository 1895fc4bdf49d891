using Grpc.Core;

namespace QwenLayered.Server.Tests.Serving;

/// <summary>The API tokens a <see cref="ModelServer"/> is configured with.</summary>
public static class Artists
{
    public const string Ann = "ann-token", Bob = "bob-token", Admin = "admin-token";

    public static IReadOnlyDictionary<string, string?> TokenSettings { get; } = new Dictionary<string, string?>
    {
        ["Auth:Tokens:0:Token"] = Ann, ["Auth:Tokens:0:Artist"] = "ann",
        ["Auth:Tokens:1:Token"] = Bob, ["Auth:Tokens:1:Artist"] = "bob",
        ["Auth:Tokens:2:Token"] = Admin, ["Auth:Tokens:2:Artist"] = "lead", ["Auth:Tokens:2:Admin"] = "true",
    };

    public static Metadata Bearer(string token) => new() { { "authorization", $"Bearer {token}" } };
}
