namespace QwenLayered.Engine.QwenVL.Vision;

/// <summary>
/// The integer bookkeeping of the Qwen2.5-VL vision tower, computed on the host: each patch row's (row, column) for
/// the 2-D rotary embedding, the order that groups merged tokens by attention window, and the segment boundaries
/// (cumulative patch counts) that windowed and full-attention blocks attend within. Rows follow the processor order.
/// </summary>
internal sealed class VisionWindows
{
    private VisionWindows(long[] rotaryPositions, long[] windowIndex, long[] windowBoundaries, long[] frameBoundaries)
    {
        RotaryPositions = rotaryPositions;
        WindowIndex = windowIndex;
        WindowBoundaries = windowBoundaries;
        FrameBoundaries = frameBoundaries;
    }

    /// <summary>(row, column) of every patch row, flattened <c>[patches · 2]</c>.</summary>
    public long[] RotaryPositions { get; }

    /// <summary>Merged-token indices in window order (<c>get_window_index</c>).</summary>
    public long[] WindowIndex { get; }

    /// <summary>Cumulative patch counts per window, starting at 0, without repeats (empty windows vanish).</summary>
    public long[] WindowBoundaries { get; }

    /// <summary>Cumulative patch counts per frame, starting at 0: the full-attention segments.</summary>
    public long[] FrameBoundaries { get; }

    public static VisionWindows For(IReadOnlyList<ImageGrid> grids, int merge, int mergedWindow)
    {
        var positions = new List<long>();
        var windowIndex = new List<long>();
        var windowBoundaries = new List<long> { 0 };
        var frameBoundaries = new List<long> { 0 };
        long tokenOffset = 0;
        foreach (var grid in grids)
        {
            if (grid.Height % merge != 0 || grid.Width % merge != 0)
                throw new ArgumentException($"Patch grid {grid.Height}x{grid.Width} is not a multiple of the merge size {merge}.");
            for (int t = 0; t < grid.Temporal; t++)
            {
                AddRotaryPositions(positions, grid, merge);
                frameBoundaries.Add(frameBoundaries[^1] + (long)grid.Height * grid.Width);
            }
            AddWindows(windowIndex, windowBoundaries, grid, merge, mergedWindow, tokenOffset);
            tokenOffset += grid.Tokens(merge);
        }
        return new VisionWindows([.. positions], [.. windowIndex], [.. windowBoundaries.Distinct()], [.. frameBoundaries]);
    }

    // Patches come in merge blocks: block row, block column, then row and column inside the block.
    private static void AddRotaryPositions(List<long> positions, ImageGrid grid, int merge)
    {
        for (int blockRow = 0; blockRow < grid.Height / merge; blockRow++)
        for (int blockColumn = 0; blockColumn < grid.Width / merge; blockColumn++)
        for (int row = 0; row < merge; row++)
        for (int column = 0; column < merge; column++)
        {
            positions.Add(blockRow * merge + row);
            positions.Add(blockColumn * merge + column);
        }
    }

    // Windows tile the merged grid from the top left (the last row/column of windows may be partial); inside a window
    // tokens stay row-major. Boundaries count patches, merge² per token.
    private static void AddWindows(List<long> windowIndex, List<long> boundaries, ImageGrid grid, int merge, int window, long offset)
    {
        int height = grid.MergedHeight(merge), width = grid.MergedWidth(merge);
        int windowsDown = (height + window - 1) / window, windowsAcross = (width + window - 1) / window;
        for (int t = 0; t < grid.Temporal; t++)
        for (int windowRow = 0; windowRow < windowsDown; windowRow++)
        for (int windowColumn = 0; windowColumn < windowsAcross; windowColumn++)
        {
            int count = 0;
            for (int row = windowRow * window; row < Math.Min(height, (windowRow + 1) * window); row++)
            for (int column = windowColumn * window; column < Math.Min(width, (windowColumn + 1) * window); column++)
            {
                windowIndex.Add(offset + ((long)t * height + row) * width + column);
                count++;
            }
            boundaries.Add(boundaries[^1] + (long)count * merge * merge);
        }
    }
}
