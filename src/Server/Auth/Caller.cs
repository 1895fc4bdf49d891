namespace QwenLayered.Server.Auth;

/// <summary>The artist behind a call, as the bearer token says.</summary>
public sealed record Caller(string Artist, bool IsAdmin)
{
    /// <summary>Everyone, on a server without tokens (which then listens on loopback only).</summary>
    public static Caller Local { get; } = new("local", IsAdmin: false);

    /// <summary>Whether this caller may see and cancel a job of <paramref name="owner"/>.</summary>
    public bool MayManage(string owner) => IsAdmin || owner == Artist;
}
