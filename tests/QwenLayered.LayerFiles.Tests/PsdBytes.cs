using System.Text;

namespace QwenLayered.LayerFiles.Tests;

/// <summary>Edits a PSD's bytes for what ImageMagick cannot write, following the PSD specification's layer record.</summary>
internal static class PsdBytes
{
    /// <summary>
    /// Sets the "hidden" bit (0x02 of the flags byte) of one layer record, counted bottom-most first. Every record
    /// holds "8BIM" and its blend key, then opacity, clipping and flags.
    /// </summary>
    public static void HideLayer(string path, int layerIndex)
    {
        byte[] bytes = File.ReadAllBytes(path);
        byte[] marker = Encoding.ASCII.GetBytes("8BIMnorm");
        int at = -1;
        for (int i = 0; i <= layerIndex; i++)
            at = bytes.AsSpan(at + 1).IndexOf(marker) + at + 1;
        bytes[at + marker.Length + 2] |= 0x02;
        File.WriteAllBytes(path, bytes);
    }
}
