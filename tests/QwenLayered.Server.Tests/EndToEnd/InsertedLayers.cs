using System.Text.Json;

namespace QwenLayered.Server.Tests.EndToEnd;

/// <summary>
/// What the panel's end-to-end scripts report of the mock Photoshop document and the results history
/// (plugin-uxp/test/end-to-end/panel-in-node.mjs, <c>snapshot()</c>), checked against the layers the server sent.
/// </summary>
internal static class InsertedLayers
{
    // The mock Photoshop's document (test/mocks/photoshop.mjs), as the scripts open it.
    private const string DocumentName = "photo.psd";

    /// <summary>
    /// The document holds one group for the result, named after the document and the seed, at its top, with one
    /// layer per server layer: the server's name, at its offset and size, its pixels exactly as sent, none empty, each
    /// inserted once. The results history lists the result as inserted, in memory, in the data folder and after a reload.
    /// </summary>
    public static void AssertEveryLayerInsertedOnce(JsonElement snapshot, JsonElement serverLayers, string jobId, string seed)
    {
        var sent = serverLayers.EnumerateArray().OrderBy(l => l.GetProperty("index").GetInt32()).ToList();
        Assert.Equal(Enumerable.Range(0, sent.Count), sent.Select(l => l.GetProperty("index").GetInt32()));
        Assert.NotEmpty(sent);
        var document = snapshot.GetProperty("document");
        string groupName = $"{DocumentName} (seed {seed})";

        var group = Assert.Single(Groups(document.GetProperty("layers")), g => g.GetProperty("name").GetString() == groupName);
        var inserted = group.GetProperty("layers").EnumerateArray().ToList();
        Assert.Equal(sent.Select(l => l.GetProperty("name").GetString()), inserted.Select(l => l.GetProperty("name").GetString()));
        foreach (var (server, layer) in sent.Zip(inserted))
        {
            var pixels = layer.GetProperty("pixels");
            int width = server.GetProperty("width").GetInt32(), height = server.GetProperty("height").GetInt32();
            // The document is the source, so a layer's offset on it is its offset on the source.
            Assert.Equal((server.GetProperty("x").GetInt32(), server.GetProperty("y").GetInt32(), width, height),
                (pixels.GetProperty("left").GetInt32(), pixels.GetProperty("top").GetInt32(), pixels.GetProperty("width").GetInt32(), pixels.GetProperty("height").GetInt32()));
            Assert.True(width > 0 && height > 0, $"Layer {layer.GetProperty("name")} is {width}x{height}.");
            Assert.Equal(width * height * 4, pixels.GetProperty("values").GetInt32());
            Assert.True(pixels.GetProperty("visible").GetInt32() > 0, $"Layer {layer.GetProperty("name")} was inserted fully transparent.");
            Assert.Equal(server.GetProperty("sha256").GetString(), pixels.GetProperty("sha256").GetString());
        }
        // Inserted once each: no layer or group made twice, no pixels put twice.
        var calls = document.GetProperty("calls");
        Assert.Equal((sent.Count, 1, sent.Count), (Count(calls, "createPixelLayer"), Count(calls, "createLayerGroup"), Count(calls, "putPixels")));
        // A whole-document source: the group lands at the top of the document (placement.js).
        Assert.Equal(groupName, document.GetProperty("layers")[0].GetProperty("name").GetString());

        AssertKept(snapshot.GetProperty("history"), sent, jobId, seed, inserted: true);
    }

    /// <summary>
    /// Nothing of the result is in the document, and the results history keeps it, not inserted, with the server's
    /// layers: listed, saved in the data folder with one PNG per layer, and listed again by a reloaded panel.
    /// </summary>
    public static void AssertKeptAndNothingInserted(JsonElement snapshot, JsonElement serverLayers, string jobId, string seed)
    {
        var sent = serverLayers.EnumerateArray().OrderBy(l => l.GetProperty("index").GetInt32()).ToList();
        var document = snapshot.GetProperty("document");
        // The mock document's own group is "Folder".
        Assert.DoesNotContain(Groups(document.GetProperty("layers")), g => g.GetProperty("name").GetString() != "Folder");
        var calls = document.GetProperty("calls");
        Assert.Equal((0, 0, 0), (Count(calls, "createPixelLayer"), Count(calls, "createLayerGroup"), Count(calls, "putPixels")));
        var history = snapshot.GetProperty("history");
        AssertKept(history, sent, jobId, seed, inserted: false);
        var files = history.GetProperty("files").EnumerateArray().Select(f => f.GetString()).ToList();
        Assert.Equal(sent.Count + 1, files.Count);
        Assert.Contains("results.json", files);
    }

    private static void AssertKept(JsonElement history, List<JsonElement> sent, string jobId, string seed, bool inserted)
    {
        var expected = sent.Select(l => (l.GetProperty("name").GetString(), l.GetProperty("x").GetInt32(), l.GetProperty("y").GetInt32())).ToList();
        foreach (string list in new[] { "listed", "saved", "reloaded" })
        {
            var result = Assert.Single(history.GetProperty(list).EnumerateArray());
            Assert.Equal((jobId, seed, inserted), (result.GetProperty("id").GetString(), result.GetProperty("seed").GetString(), result.GetProperty("inserted").GetBoolean()));
            Assert.Equal(expected, result.GetProperty("layers").EnumerateArray()
                .Select(l => (l.GetProperty("name").GetString(), l.GetProperty("x").GetInt32(), l.GetProperty("y").GetInt32())));
        }
    }

    /// <summary>Every group in the layer tree, however deep.</summary>
    private static IEnumerable<JsonElement> Groups(JsonElement layers) =>
        layers.EnumerateArray().Where(l => l.GetProperty("kind").GetString() == "group")
            .SelectMany(g => Groups(g.GetProperty("layers")).Prepend(g));

    private static int Count(JsonElement calls, string name) => calls.TryGetProperty(name, out var count) ? count.GetInt32() : 0;
}
