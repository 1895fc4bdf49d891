using System.Text.Json;
using System.Text.Json.Nodes;

namespace QwenLayered.Bridge.Tests;

/// <summary>The JSON test vectors in docs/protocol-vectors, shared with the panel's vitest suite.</summary>
internal static class ProtocolVectors
{
    public static JsonNode Load(string file) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "protocol-vectors", file)))!;

    /// <summary>Each vector of an array, as xUnit theory data (name and vector as JSON text).</summary>
    public static TheoryData<string, string> Cases(string file, string? property = null)
    {
        var root = Load(file);
        var array = (property is null ? root : root[property]!).AsArray();
        var data = new TheoryData<string, string>();
        foreach (var vector in array) data.Add(vector!["name"]?.GetValue<string>() ?? vector.ToJsonString(), vector.ToJsonString());
        return data;
    }

    public static bool SameJson(JsonNode? a, JsonNode? b) => JsonNode.DeepEquals(a, b);

    public static JsonNode ToNode<T>(T value) => JsonSerializer.SerializeToNode(value, QwenLayered.Bridge.Protocol.PanelCodec.Json)!;
}
