using System.Text.Json.Serialization;

namespace QwenLayered.Bridge.Protocol;

/// <summary>
/// One message of the panel protocol (docs/bridge-protocol.md): a JSON object whose "type" names the record below.
/// Messages that carry image bytes travel in a binary frame (see <see cref="PanelCodec"/>), all others as text.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(HelloMessage), "hello")]
[JsonDerivedType(typeof(SubmitMessage), "submit")]
[JsonDerivedType(typeof(CancelMessage), "cancel")]
[JsonDerivedType(typeof(AttachMessage), "attach")]
[JsonDerivedType(typeof(WelcomeMessage), "welcome")]
[JsonDerivedType(typeof(ErrorMessage), "error")]
[JsonDerivedType(typeof(CancelResultMessage), "cancelResult")]
[JsonDerivedType(typeof(AcceptedEvent), "accepted")]
[JsonDerivedType(typeof(QueuePositionEvent), "queuePosition")]
[JsonDerivedType(typeof(StartedEvent), "started")]
[JsonDerivedType(typeof(ProgressEvent), "progress")]
[JsonDerivedType(typeof(PreviewEvent), "preview")]
[JsonDerivedType(typeof(LayerEvent), "layer")]
[JsonDerivedType(typeof(LayerChunkEvent), "layerChunk")]
[JsonDerivedType(typeof(CompletedEvent), "completed")]
[JsonDerivedType(typeof(FailedEvent), "failed")]
[JsonDerivedType(typeof(CancelledEvent), "cancelled")]
public abstract record PanelMessage
{
    /// <summary>True for the messages whose image bytes follow the JSON in a binary frame.</summary>
    [JsonIgnore]
    public virtual bool CarriesPayload => false;
}
