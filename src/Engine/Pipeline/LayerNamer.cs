using QwenLayered.Engine.Elements;
using QwenLayered.Engine.Imaging;
using QwenLayered.Engine.QwenVL;
using SixLabors.ImageSharp.Processing;

namespace QwenLayered.Engine.Pipeline;

/// <summary>
/// Names a finished layer by what it holds, in a few words in the caption's language: the captioner looks at the layer
/// alone, over grey on a square, at most <see cref="ViewEdge"/> pixels a side, and answers in at most
/// <see cref="MaxNameTokens"/> tokens (<see cref="CaptionPrompts.LayerName"/>).
/// </summary>
public static class LayerNamer
{
    /// <summary>Side of the square the layer is shown on (144 vision tokens of Qwen2.5-VL).</summary>
    public const int ViewEdge = 336;

    public const int MaxNameTokens = 16;

    /// <summary>The layer's name, or null when it is fully transparent or the answer holds no name.</summary>
    public static string? Name(DecodedLayer layer, Captioner captioner, CaptionLanguage language, CancellationToken cancellation)
    {
        if (AlphaBounds.Of(layer.Rgba8, layer.Width, layer.Height) is null) return null;
        var answer = captioner.Ask(View(layer), CaptionPrompts.LayerName(language), MaxNameTokens, cancellation);
        return LayerNameText.Clean(answer.Text);
    }

    // The layer over mid grey, centred on a square so that thin layers keep an aspect the vision tower takes.
    private static RgbaImage View(DecodedLayer layer)
    {
        int side = Math.Max(layer.Width, layer.Height);
        var square = new byte[side * side * 4];
        Array.Fill(square, (byte)128);
        int left = (side - layer.Width) / 2, top = (side - layer.Height) / 2;
        for (int y = 0; y < layer.Height; y++)
            for (int x = 0; x < layer.Width; x++)
            {
                int from = 4 * (y * layer.Width + x), to = 4 * ((top + y) * side + left + x);
                int alpha = layer.Rgba8[from + 3];
                for (int c = 0; c < 3; c++) square[to + c] = (byte)((layer.Rgba8[from + c] * alpha + 128 * (255 - alpha) + 127) / 255);
            }
        for (int p = 3; p < square.Length; p += 4) square[p] = 255;
        var image = new RgbaImage(side, side, square);
        int edge = Math.Min(side, ViewEdge);
        return edge == side ? image : ImageResize.Stretch(image, edge, edge, KnownResamplers.Triangle);
    }
}
