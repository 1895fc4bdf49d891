namespace QwenLayered.Engine.Transformer;

/// <summary>
/// One entry of diffusers' <c>img_shapes</c>: a block of image tokens laid out as (frames, rows, columns) after 2×2
/// patchify. The layered pipeline passes L+1 noisy grids followed by one condition grid.
/// </summary>
public readonly record struct TokenGrid(int Frames, int Height, int Width)
{
    /// <summary>How many tokens of the image sequence this grid covers.</summary>
    public int Tokens => Frames * Height * Width;

    public override string ToString() => $"({Frames}, {Height}, {Width})";
}
