namespace QwenLayered.Engine.Pipeline;

/// <summary>
/// The size the pipeline works and answers at: the input's aspect ratio scaled to about resolution² pixels,
/// rounded to multiples of 32, then to whole 2x2 patches of latents. Output layers have this size, not the input's.
/// </summary>
public sealed record WorkingSize(int Width, int Height, int LatentWidth, int LatentHeight)
{
    /// <summary>Each latent pixel covers this many image pixels per side: the VAE's spatial compression.</summary>
    public int VaeScaleFactor => Width / LatentWidth;

    /// <summary>The resolution buckets the published model was trained for.</summary>
    public static IReadOnlyList<int> Resolutions { get; } = [640, 1024];

    /// <summary>Transformer tokens of one frame: one per 2x2 latent patch.</summary>
    public int TokensPerFrame => LatentHeight / 2 * (LatentWidth / 2);

    /// <summary>The working size for a resolution bucket: one of <paramref name="resolutions"/> (default: the published 640 and 1024).</summary>
    /// <param name="vaeScaleFactor">Image pixels per latent pixel per side (the VAE's <c>SpatialCompression</c>; 8 for the published VAE).</param>
    public static WorkingSize For(int inputWidth, int inputHeight, int resolution, int vaeScaleFactor, IReadOnlyList<int>? resolutions = null)
    {
        resolutions ??= Resolutions;
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
            throw new ArgumentException(
                $"The image is {inputWidth}x{inputHeight}: too narrow to decompose. Crop it to a less extreme aspect ratio.");
        return new WorkingSize(w, h, 2 * (w / patch), 2 * (h / patch));
    }
}
