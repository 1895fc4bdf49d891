using QwenLayered.Engine.ModelFolders;

namespace QwenLayered.Engine.Pipeline;

/// <summary>
/// The size the pipeline works at: the input's aspect ratio scaled to about resolution² pixels, rounded to multiples
/// of 32, then to whole 2x2 patches of latents (the reference's <c>calculate_dimensions</c>). The rounding bends the
/// aspect ratio (a 300x170 image works at 96x64 on a 64 px model), so the layers come back at
/// <see cref="OutputWidth"/>x<see cref="OutputHeight"/>: about the working area at the input's own aspect ratio.
/// </summary>
public sealed record WorkingSize(int Width, int Height, int LatentWidth, int LatentHeight)
{
    /// <summary>Width of the layers the pipeline returns (the working width unless the rounding bent the aspect ratio).</summary>
    public int OutputWidth { get; init; } = Width;

    /// <summary>Height of the layers the pipeline returns.</summary>
    public int OutputHeight { get; init; } = Height;

    /// <summary>Each latent pixel covers this many image pixels per side: the VAE's spatial compression.</summary>
    public int VaeScaleFactor => Width / LatentWidth;

    /// <summary>Transformer tokens of one frame: one per 2x2 latent patch.</summary>
    public int TokensPerFrame => LatentHeight / 2 * (LatentWidth / 2);

    /// <summary>The working size for a resolution bucket: one of <paramref name="resolutions"/> (default: the published model's).</summary>
    /// <param name="vaeScaleFactor">Image pixels per latent pixel per side (the VAE's <c>SpatialCompression</c>; 8 for the published VAE).</param>
    public static WorkingSize For(int inputWidth, int inputHeight, int resolution, int vaeScaleFactor, IReadOnlyList<int>? resolutions = null)
    {
        resolutions ??= ModelProfile.Published.Resolutions;
        if (!resolutions.Contains(resolution))
            throw new ArgumentException($"Resolution {resolution} is not supported by this model; use {string.Join(" or ", resolutions)}.");
        return ForArea(inputWidth, inputHeight, (long)resolution * resolution, vaeScaleFactor);
    }

    /// <summary>The working size of about <paramref name="targetArea"/> pixels (small test models use small areas).</summary>
    public static WorkingSize ForArea(int inputWidth, int inputHeight, long targetArea, int vaeScaleFactor)
    {
        if (inputWidth <= 0 || inputHeight <= 0)
            throw new ArgumentException($"The image is {inputWidth}x{inputHeight}; both sides must be at least 1 pixel.");
        double ratio = (double)inputWidth / inputHeight;
        double width = Math.Sqrt(targetArea * ratio);
        double height = width / ratio;
        // Python's round() is half-to-even; so is MidpointRounding.ToEven.
        int calculatedWidth = (int)Math.Round(width / 32, MidpointRounding.ToEven) * 32;
        int calculatedHeight = (int)Math.Round(height / 32, MidpointRounding.ToEven) * 32;
        int patch = vaeScaleFactor * 2;
        int w = calculatedWidth / patch * patch, h = calculatedHeight / patch * patch;
        if (w == 0 || h == 0)
        {
            // So extreme an aspect ratio (or so small an area) that the reference's rounding leaves no patch on the
            // short side: one patch there, the rest of the pixel budget along the long side.
            int longSide = patch * Math.Max(1, (int)Math.Round((double)targetArea / patch / patch, MidpointRounding.ToEven));
            (w, h) = inputWidth >= inputHeight ? (longSide, patch) : (patch, longSide);
        }
        var (outputWidth, outputHeight) = OutputSize(inputWidth, inputHeight, w, h);
        return new WorkingSize(w, h, 2 * (w / patch), 2 * (h / patch)) { OutputWidth = outputWidth, OutputHeight = outputHeight };
    }

    // The working area at the input's aspect ratio. The short side is rounded and the long side follows it, so the
    // aspect ratio is off by at most half a pixel of the long side.
    private static (int Width, int Height) OutputSize(int inputWidth, int inputHeight, int width, int height)
    {
        if ((long)width * inputHeight == (long)height * inputWidth) return (width, height);
        bool wide = inputWidth >= inputHeight;
        double ratio = wide ? (double)inputWidth / inputHeight : (double)inputHeight / inputWidth;
        int shortSide = Math.Max(1, (int)Math.Round(Math.Sqrt((double)width * height / ratio)));
        int longSide = Math.Max(1, (int)Math.Round(shortSide * ratio));
        return wide ? (longSide, shortSide) : (shortSide, longSide);
    }
}
