namespace QwenLayered.Server.Auth;

/// <summary>Who may call the server (configuration section "Auth").</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>API tokens; none configured means one local artist and a loopback-only server.</summary>
    public List<ApiToken> Tokens { get; set; } = [];
}

/// <summary>One API token, sent as <c>authorization: Bearer &lt;Token&gt;</c>.</summary>
public sealed class ApiToken
{
    public string Token { get; set; } = "";
    public string Artist { get; set; } = "";
    /// <summary>Admins may cancel and attach to every artist's jobs.</summary>
    public bool Admin { get; set; }
}
