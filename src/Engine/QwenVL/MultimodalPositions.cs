using QwenLayered.Engine.QwenVL.Vision;

namespace QwenLayered.Engine.QwenVL;

/// <summary>
/// The 3-D M-RoPE positions of one prompt (transformers <c>get_rope_index</c>, batch of one, no padding). Text tokens
/// advance all three streams together; an image's tokens share one start <c>s</c> and sit at (s, s + row, s + column)
/// of its merged grid (the temporal stream stays at s for still images); text after an image resumes at the largest
/// position so far + 1. Generated tokens continue at <c>sequence index + Delta</c> on all streams.
/// </summary>
public sealed record MultimodalPositions(long[][] Streams, long Delta)
{
    public int Length => Streams[0].Length;

    /// <param name="imageTokenId">The placeholder id; each image's run of placeholders must match its grid's token count.</param>
    public static MultimodalPositions Compute(IReadOnlyList<long> ids, int imageTokenId, IReadOnlyList<ImageGrid> grids, int merge)
    {
        var streams = new[] { new long[ids.Count], new long[ids.Count], new long[ids.Count] };
        long next = 0;
        int image = 0, i = 0;
        while (i < ids.Count)
        {
            if (ids[i] != imageTokenId)
            {
                for (int s = 0; s < 3; s++) streams[s][i] = next;
                next++;
                i++;
                continue;
            }
            if (image >= grids.Count)
                throw new ArgumentException($"The prompt has more image placeholder runs than the {grids.Count} image grid(s).");
            var grid = grids[image++];
            int rows = grid.MergedHeight(merge), columns = grid.MergedWidth(merge);
            for (int t = 0; t < grid.Temporal; t++)
            for (int row = 0; row < rows; row++)
            for (int column = 0; column < columns; column++, i++)
            {
                if (i >= ids.Count || ids[i] != imageTokenId)
                    throw new ArgumentException($"Image {image - 1} needs {grid.Tokens(merge)} consecutive placeholder tokens; the prompt has fewer.");
                streams[0][i] = next;
                streams[1][i] = next + row;
                streams[2][i] = next + column;
            }
            next += Math.Max(Math.Max(rows, columns), 1);
        }
        if (image != grids.Count)
            throw new ArgumentException($"The prompt has {image} image placeholder run(s) for {grids.Count} image grid(s).");
        return new MultimodalPositions(streams, next - ids.Count);
    }

    /// <summary>The position of the token at <paramref name="index"/> in the sequence after the prompt (all streams).</summary>
    public long After(long index) => index + Delta;
}
