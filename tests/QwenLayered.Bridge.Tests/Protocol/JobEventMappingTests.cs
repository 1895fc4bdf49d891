using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Google.Protobuf;
using QwenLayered.Bridge.Protocol;
using QwenLayered.Contracts.V1;

namespace QwenLayered.Bridge.Tests.Protocol;

public class JobEventMappingTests
{
    public static TheoryData<string, string> EventVectors
    {
        get
        {
            var root = ProtocolVectors.Load("events.json");
            var data = new TheoryData<string, string>();
            foreach (var v in root["stream"]!.AsArray().Concat(root["endings"]!.AsArray()))
                data.Add(v!["panel"]!["type"]!.GetValue<string>() + " " + v["panel"]!["sequence"], v.ToJsonString());
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(EventVectors))]
    public void ToPanel_GrpcEvent_GivesTheVectorsPanelMessageAndPayload(string name, string vectorJson)
    {
        var vector = JsonNode.Parse(vectorJson)!;
        var clientRequestId = ProtocolVectors.Load("events.json")["clientRequestId"]!.GetValue<string>();
        var grpc = JsonParser.Default.Parse<JobEvent>(vector["grpc"]!.ToJsonString());

        var frame = JobEventMapping.ToPanel(grpc, clientRequestId);

        Assert.True(ProtocolVectors.SameJson(vector["panel"], ProtocolVectors.ToNode(frame.Message)), $"{name}: {ProtocolVectors.ToNode(frame.Message).ToJsonString()}");
        var payload = vector["payloadBase64"]?.GetValue<string>();
        Assert.Equal(payload is null ? [] : Convert.FromBase64String(payload), frame.Payload.ToArray());
    }

    [Fact]
    public void ToRequest_SubmitWithRegionAndMask_SplitsThePayloadAndCopiesEveryField()
    {
        var submit = new SubmitMessage("req-1", Layers: 4, Prompt: "a cat", NegativePrompt: " ", Steps: 20, GuidanceScale: 4, Seed: "18446744073709551615",
            Resolution: 1024, Preview: new PreviewSettings(5, 128), Region: new RegionSettings(new PanelRect(1, 2, 3, 4), MaskLength: 2));

        var request = JobEventMapping.ToRequest(submit, new byte[] { 1, 2, 3, 9, 9 });

        Assert.Equal([1, 2, 3], request.Image.ToByteArray());
        Assert.Equal([9, 9], request.Region.Mask.ToByteArray());
        Assert.Equal(new Rect { X = 1, Y = 2, Width = 3, Height = 4 }, request.Region.Rect);
        Assert.Equal((4, "a cat", " ", 20, 4f, ulong.MaxValue, 1024, "req-1"),
            (request.Layers, request.Prompt, request.NegativePrompt, request.Steps, request.GuidanceScale, request.Seed, request.Resolution, request.ClientRequestId));
        Assert.Equal(new PreviewOptions { EverySteps = 5, MaxEdge = 128 }, request.Preview);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ToRequest_WorkingSizeAndSixteenBit_AreCarriedToTheRequest(bool chosen)
    {
        var request = JobEventMapping.ToRequest(new SubmitMessage("req-1", WorkingSize: chosen, SixteenBit: chosen), new byte[] { 1 });

        Assert.Equal((chosen, chosen), (request.WorkingSize, request.SixteenBit));
    }

    [Fact]
    public void ToRequest_AutomaticLayers_LeavesTheCountToTheServerUpToLayers()
    {
        var request = JobEventMapping.ToRequest(new SubmitMessage("req-1", Layers: 6, AutomaticLayers: true), new byte[] { 1 });

        Assert.Equal((true, 6), (request.AutomaticLayers, request.Layers));
    }

    [Fact]
    public void ToRequest_NoSeedNoNegativePrompt_LeavesThemUnset()
    {
        var request = JobEventMapping.ToRequest(new SubmitMessage("req-1"), new byte[] { 1 });

        Assert.False(request.HasSeed);
        Assert.False(request.HasNegativePrompt);
        Assert.Null(request.Region);
    }

    [Fact]
    public void ToRequest_ImageAndMask_ShareTheFramesBytesRatherThanCopyThem()
    {
        var payload = new byte[] { 1, 2, 3, 9, 9 };
        var submit = new SubmitMessage("req-1", Region: new RegionSettings(new PanelRect(0, 0, 1, 1), MaskLength: 2));

        var request = JobEventMapping.ToRequest(submit, payload);

        Assert.True(MemoryMarshal.TryGetArray(request.Image.Memory, out var image) && ReferenceEquals(payload, image.Array));
        Assert.True(MemoryMarshal.TryGetArray(request.Region.Mask.Memory, out var mask) && ReferenceEquals(payload, mask.Array));
        Assert.Equal((0, 3, 3, 2), (image.Offset, image.Count, mask.Offset, mask.Count));
    }

    [Theory]
    [InlineData("not a number", 0)]
    [InlineData(null, 5)]
    public void ToRequest_BadSeedOrMaskLength_ThrowsPanelFrameException(string? seed, int maskLength)
    {
        var submit = new SubmitMessage("req-1", Seed: seed, Region: maskLength == 0 ? null : new RegionSettings(new PanelRect(0, 0, 1, 1), maskLength));

        Assert.Throws<PanelFrameException>(() => JobEventMapping.ToRequest(submit, new byte[] { 1, 2 }));
    }
}
