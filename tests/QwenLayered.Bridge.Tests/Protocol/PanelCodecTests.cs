using System.Text;
using System.Text.Json.Nodes;
using QwenLayered.Bridge.Protocol;

namespace QwenLayered.Bridge.Tests.Protocol;

public class PanelCodecTests
{
    public static TheoryData<string, string> TextVectors => ProtocolVectors.Cases("codec.json", "text");
    public static TheoryData<string, string> BinaryVectors => ProtocolVectors.Cases("codec.json", "binary");
    public static TheoryData<string, string> BadFrames => ProtocolVectors.Cases("bad-frames.json");

    [Theory]
    [MemberData(nameof(TextVectors))]
    public void DecodeText_Vector_RoundTripsToTheSameJson(string name, string vectorJson)
    {
        var expected = JsonNode.Parse(vectorJson)!["message"]!;

        var frame = PanelCodec.DecodeText(Encoding.UTF8.GetBytes(expected.ToJsonString()));
        var reencoded = JsonNode.Parse(PanelCodec.EncodeText(frame.Message));

        Assert.True(ProtocolVectors.SameJson(expected, reencoded), $"{name}: {reencoded!.ToJsonString()}");
    }

    [Theory]
    [MemberData(nameof(BinaryVectors))]
    public void DecodeBinary_Vector_GivesTheMessageAndPayloadAndRoundTrips(string name, string vectorJson)
    {
        var vector = JsonNode.Parse(vectorJson)!;
        var payload = Convert.FromBase64String(vector["payloadBase64"]!.GetValue<string>());

        var frame = PanelCodec.DecodeBinary(Convert.FromBase64String(vector["frameBase64"]!.GetValue<string>()));
        var again = PanelCodec.DecodeBinary(PanelCodec.EncodeBinary(frame.Message, frame.Payload.Span));

        Assert.True(ProtocolVectors.SameJson(vector["message"], ProtocolVectors.ToNode(frame.Message)), name);
        Assert.Equal(payload, frame.Payload.ToArray());
        Assert.Equal(frame.Message, again.Message);
        Assert.Equal(payload, again.Payload.ToArray());
    }

    [Theory]
    [MemberData(nameof(BadFrames))]
    public void Decode_BadFrame_ThrowsPanelFrameException(string name, string vectorJson)
    {
        var vector = JsonNode.Parse(vectorJson)!;

        var error = Assert.Throws<PanelFrameException>(() => Decode(vector));

        Assert.False(string.IsNullOrWhiteSpace(error.Message), name);
    }

    [Fact]
    public void EncodeText_MessageWithPayload_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => PanelCodec.EncodeText(new SubmitMessage("r")));
    }

    internal static PanelFrame Decode(JsonNode vector) =>
        vector["text"] is { } text
            ? PanelCodec.DecodeText(Encoding.UTF8.GetBytes(text.GetValue<string>()))
            : PanelCodec.DecodeBinary(Convert.FromBase64String(vector["binaryBase64"]!.GetValue<string>()));
}
