using static TorchSharp.torch;

namespace QwenLayered.Engine.QwenVL.Vision;

/// <summary>
/// What the vision tower takes for one image: <c>PixelValues [patches, C·T·P·P]</c> (float32, CPU) in the processor's
/// row order and the image's patch <c>Grid</c>.
/// </summary>
public sealed record VisionInput(Tensor PixelValues, ImageGrid Grid) : IDisposable
{
    public void Dispose() => PixelValues.Dispose();
}
