namespace QwenLayered.Bridge.Protocol;

// What the bridge sends besides job events.

/// <summary>The answer to a compatible hello: the server was reached with the token and this is what it runs.</summary>
public sealed record WelcomeMessage(int Protocol, string BridgeVersion, ServerSummary Server) : PanelMessage;

/// <param name="Resolutions">The model's working resolutions, its default first.</param>
/// <param name="CaptionsEmptyPrompt">Whether an empty prompt is replaced by the model's caption of the image.</param>
/// <param name="Defaults">What a submit gets for each of these fields it leaves at 0.</param>
public sealed record ServerSummary(
    string ServerVersion,
    string ContractVersion,
    bool ModelLoaded,
    string ModelName,
    int MaxLayers,
    int MaxSteps,
    long MaxPixels,
    long MaxImageBytes,
    int QueueCapacity,
    int MaxQueuedPerArtist,
    int QueueLength,
    IReadOnlyList<int> Resolutions,
    bool CaptionsEmptyPrompt,
    SubmitDefaults Defaults);

/// <summary>The server's defaults for a submit's fields left at 0 (GetServerInfo's <c>defaults</c>).</summary>
public sealed record SubmitDefaults(int Layers, int Steps, float GuidanceScale, int Resolution);

/// <summary>
/// Something went wrong; <paramref name="Code"/> is one of <see cref="ErrorCodes"/>. A fatal error is followed by the
/// bridge closing the connection; after any other the connection stays usable.
/// </summary>
public sealed record ErrorMessage(
    string Code,
    string Message,
    string? JobId = null,
    string? ClientRequestId = null,
    bool Fatal = false) : PanelMessage;

public sealed record CancelResultMessage(string JobId, bool Cancelled) : PanelMessage;

/// <summary>The error codes the panel turns into readable messages.</summary>
public static class ErrorCodes
{
    public const string BadFrame = "bad_frame";
    public const string HelloRequired = "hello_required";
    public const string VersionMismatch = "version_mismatch";
    public const string BadToken = "bad_token";
    public const string ServerUnreachable = "server_unreachable";
    public const string ServerUnavailable = "server_unavailable";
    public const string Busy = "busy";
    public const string InvalidRequest = "invalid_request";
    public const string NotFound = "not_found";
    public const string ServerError = "server_error";
}
