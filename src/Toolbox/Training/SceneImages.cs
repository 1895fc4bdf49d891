using QwenLayered.Engine.Pipeline;
using QwenLayered.Toolbox.Training.Data;
using static TorchSharp.torch;

namespace QwenLayered.Toolbox.Training;

/// <summary>Scenes as the VAE's input: each image [1, 4, 1, H, W] in [−1, 1] on the training device.</summary>
internal static class SceneImages
{
    public static Tensor Composite(LayeredScene scene, Device device) => ToDevice(scene.Composite, scene, device);

    /// <summary>[L, 4, 1, H, W], bottom layer first.</summary>
    public static Tensor Layers(LayeredScene scene, Device device) =>
        cat([.. scene.Layers.Select(layer => ToDevice(layer.Pixels, scene, device))], 0);

    /// <summary>Checks every scene has the size of the first; a batch stacks them.</summary>
    public static (int Width, int Height) CommonSize(IReadOnlyList<LayeredScene> scenes)
    {
        if (scenes.Count == 0) throw new ArgumentException("Training needs at least one scene.");
        var (width, height) = (scenes[0].Width, scenes[0].Height);
        if (scenes.Any(s => s.Width != width || s.Height != height) || width % 16 != 0 || height % 16 != 0)
            throw new ArgumentException($"Every scene must have the same size, a multiple of 16 on each side (the first is {width}x{height}).");
        return (width, height);
    }

    private static Tensor ToDevice(byte[] pixels, LayeredScene scene, Device device)
    {
        using var cpu = ImagePreprocessing.PixelsToVaeInput(pixels, scene.Width, scene.Height);
        return cpu.to(device);
    }
}
