using QwenLayered.Engine.Imaging;
using QwenLayered.Engine.Pipeline;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace QwenLayered.Toolbox.Evaluation;

/// <summary>
/// One strip for the README: the input, each layer on a checkerboard (so its transparency shows), then the layers
/// stacked again, side by side at one height.
/// </summary>
public static class RefinementPicture
{
    private const int Gap = 8;
    private const int Check = 8;

    /// <summary>A PNG <paramref name="panelHeight"/> pixels high.</summary>
    public static byte[] Png(RgbaImage input, IReadOnlyList<DecodedLayer> layers, int panelHeight)
    {
        int width = input.Width, height = input.Height;
        var panels = new List<byte[]> { input.Pixels };
        panels.AddRange(layers.Select(layer => LayerCompositor.Over([Checkerboard(width, height), LayerPlacement.OnCanvas(layer, width, height)], width, height)));
        panels.Add(Restack.Over8(layers, width, height));
        int panelWidth = (int)Math.Round((double)width * panelHeight / height);
        using var strip = new Image<Rgba32>(panels.Count * (panelWidth + Gap) - Gap, panelHeight, new Rgba32(255, 255, 255, 255));
        for (int i = 0; i < panels.Count; i++)
        {
            using var panel = Image.LoadPixelData<Rgba32>(panels[i], width, height);
            panel.Mutate(x => x.Resize(panelWidth, panelHeight, KnownResamplers.Lanczos3));
            int left = i * (panelWidth + Gap);
            strip.Mutate(x => x.DrawImage(panel, new Point(left, 0), 1f));
        }
        using var file = new MemoryStream();
        strip.SaveAsPng(file);
        return file.ToArray();
    }

    // Light and mid grey squares of Check pixels at the panel's scale.
    private static byte[] Checkerboard(int width, int height)
    {
        int square = Math.Max(1, Check * height / 256);
        var pixels = new byte[width * height * 4];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                byte grey = (x / square + y / square) % 2 == 0 ? (byte)230 : (byte)190;
                int i = (y * width + x) * 4;
                (pixels[i], pixels[i + 1], pixels[i + 2], pixels[i + 3]) = (grey, grey, grey, 255);
            }
        return pixels;
    }
}
