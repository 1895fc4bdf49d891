namespace QwenLayered.Engine.Vae;

/// <summary>The reference's resample modes. The 3-D ones add a temporal conv that a single frame never reaches.</summary>
internal enum ResampleMode
{
    Downsample2d,
    Downsample3d,
    Upsample2d,
    Upsample3d,
}
