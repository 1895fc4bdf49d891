namespace QwenLayered.Bridge.Protocol;

// What the panel sends. Field meanings follow DecomposeRequest in protos/qwenlayered/v1/decomposer.proto.

/// <summary>First message of every connection. <paramref name="Token"/> is forwarded to the server unless the bridge has its own.</summary>
public sealed record HelloMessage(int Protocol, string? Token = null, string? Client = null) : PanelMessage;

/// <summary>A new job; the binary frame's payload is the image, followed by the region mask when <c>Region.MaskLength</c> &gt; 0.</summary>
public sealed record SubmitMessage(
    string ClientRequestId,
    int Layers = 0,
    string? Prompt = null,
    string? NegativePrompt = null,
    int Steps = 0,
    float GuidanceScale = 0,
    // A string: JSON numbers lose precision past 2^53 in JavaScript.
    string? Seed = null,
    int Resolution = 0,
    PreviewSettings? Preview = null,
    RegionSettings? Region = null,
    bool? WorkingSize = null,
    bool? SixteenBit = null,
    // The server chooses the layer count; Layers is then the most it may choose (0: the server's limit). Absent: false.
    bool? AutomaticLayers = null) : PanelMessage
{
    [System.Text.Json.Serialization.JsonIgnore]
    public override bool CarriesPayload => true;
}

public sealed record PreviewSettings(int EverySteps = 0, int MaxEdge = 0);

public sealed record RegionSettings(PanelRect Rect, int MaskLength = 0);

public sealed record PanelRect(int X, int Y, int Width, int Height);

public sealed record CancelMessage(string JobId) : PanelMessage;

/// <summary>Resumes the events of a job after a reconnect, from the sequence after <paramref name="AfterSequence"/>.</summary>
public sealed record AttachMessage(string JobId, ulong AfterSequence = 0) : PanelMessage;
