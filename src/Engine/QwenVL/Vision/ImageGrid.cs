namespace QwenLayered.Engine.QwenVL.Vision;

/// <summary>
/// An image's patch grid (<c>image_grid_thw</c>): temporal patches, then patch rows and columns. One language-model
/// token stands for each <c>merge × merge</c> block of patches.
/// </summary>
public readonly record struct ImageGrid(int Temporal, int Height, int Width)
{
    public int Patches => Temporal * Height * Width;

    public int MergedHeight(int merge) => Height / merge;

    public int MergedWidth(int merge) => Width / merge;

    /// <summary>Language-model tokens of this image: <c>t · h · w / merge²</c>.</summary>
    public int Tokens(int merge) => Temporal * MergedHeight(merge) * MergedWidth(merge);
}
