using System.Text;
using QwenLayered.Engine.Imaging;
using QwenLayered.Engine.ModelFolders;
using QwenLayered.Engine.QwenVL;
using QwenLayered.Engine.Vae;

namespace QwenLayered.Engine.Pipeline;

/// <summary>
/// How requests to one model are decided, for the CLI, the server and the engine alike: the defaults (from the
/// model's profile, else the published model's recommendation), the limits, the resolutions, when an empty prompt is
/// captioned, the working size, and how layers are named. Each rule lives here once; a request it refuses throws
/// <see cref="ArgumentException"/> (<see cref="InvalidImageException"/> for images) with a message that names the
/// request's field, says what was wrong and what to send instead. In asked values, 0 means the default.
/// </summary>
/// <param name="CanCaption">The model's text encoder has its vision tower.</param>
/// <param name="VaeScaleFactor">Image pixels per latent pixel per side (the VAE's spatial compression).</param>
public sealed record DecompositionPolicy(ModelProfile Profile, DecompositionLimits Limits, bool CanCaption, int VaeScaleFactor)
{
    public const int DefaultLayers = 4;

    /// <summary>Sampling steps when the profile names none: the published model's recommendation.</summary>
    public const int FallbackSteps = 50;

    /// <summary>True CFG scale when the profile names none: the published model's recommendation.</summary>
    public const float FallbackGuidanceScale = 4f;

    /// <summary>The recommended negative prompt, which turns true guidance on.</summary>
    public const string DefaultNegativePrompt = PromptTemplate.DefaultNegativePrompt;

    /// <summary>Longest preview edge in pixels when the request names none.</summary>
    public const int DefaultPreviewMaxEdge = 256;

    /// <summary>
    /// Layers come back at the source's own size, refined against it so they stack back to it, unless the request asks
    /// for the working size (the model's own output, resized to about the working area).
    /// </summary>
    public const bool DefaultFullResolution = true;

    /// <summary>The smallest preview the engine makes.</summary>
    public const int MinPreviewEdge = 8;

    /// <summary>Sampling steps at the start that run every transformer block whatever the step cache's threshold.</summary>
    public const int StepCacheFullSteps = 2;

    /// <summary>The published model (640 and 1024 px, captions) under the default limits.</summary>
    public static DecompositionPolicy Published { get; } =
        new(ModelProfile.Published, new DecompositionLimits(), CanCaption: true, new AutoencoderKLQwenImageConfig().SpatialCompression);

    /// <summary>Working area in pixels used instead of the resolution's; 0 uses the resolution (tiny test models use small areas).</summary>
    public long WorkingArea { get; init; }

    /// <summary>The step cache's threshold every request gets (a server's configuration); 0 runs every block every step.</summary>
    public float DefaultStepCacheThreshold { get; init; }

    public int DefaultSteps => Profile.DefaultSteps ?? FallbackSteps;

    public float DefaultGuidanceScale => Profile.DefaultGuidanceScale ?? FallbackGuidanceScale;

    /// <summary>The working resolutions the model was trained at; the first is the default.</summary>
    public IReadOnlyList<int> Resolutions => Profile.Resolutions;

    public int DefaultResolution => Profile.DefaultResolution;

    /// <summary>Whether an empty prompt is replaced by a caption of the image (else it is used as it is, or refused).</summary>
    public bool CaptionsEmptyPrompt => CanCaption && !Profile.TrainedWithEmptyPrompt;

    /// <summary>The name of the layer at <paramref name="index"/> (0 = bottom), counted from 1 as Photoshop names new layers.</summary>
    public static string LayerName(int index) => $"Layer {index + 1}";

    /// <summary>The name of a finished layer: the one the model gave it, else "Layer N".</summary>
    public static string LayerName(DecodedLayer layer) => layer.Name ?? LayerName(layer.Index);

    /// <summary>
    /// The layer count for <paramref name="asked"/>, 0 for the default. When <paramref name="automatic"/>, the model
    /// chooses the count and this is the most it may choose: <paramref name="asked"/>, or the limit for 0.
    /// </summary>
    public int Layers(int asked, bool automatic = false) => asked >= 0 && asked <= Limits.MaxLayers
        ? OrDefault(asked, automatic ? Limits.MaxLayers : DefaultLayers)
        : throw new ArgumentException(automatic
            ? $"layers is {asked} with automatic layers; ask for at most 1 to {Limits.MaxLayers} layers, or 0 to let the model choose up to {Limits.MaxLayers}."
            : $"layers is {asked}; ask for 1 to {Limits.MaxLayers} layers, or 0 for the default ({DefaultLayers}).");

    /// <summary>
    /// The layer count an automatic request runs with, from the count of distinct elements the model or the image
    /// heuristic saw (background included): at least 1, at most <paramref name="most"/> (the settings' layers).
    /// </summary>
    public static int AutomaticLayerCount(int elements, int most) => Math.Clamp(elements, 1, Math.Max(1, most));

    /// <summary>The sampling steps for <paramref name="asked"/>, 0 for the model's default.</summary>
    public int Steps(int asked) => asked >= 0 && asked <= Limits.MaxSteps ? OrDefault(asked, DefaultSteps)
        : throw new ArgumentException($"steps is {asked}; ask for 1 to {Limits.MaxSteps} steps, or 0 for the default ({DefaultSteps}).");

    /// <summary>The true CFG scale for <paramref name="asked"/>, 0 for the model's default; 1 or less turns guidance off.</summary>
    public float GuidanceScale(float asked) => float.IsFinite(asked) && asked >= 0 ? (asked == 0 ? DefaultGuidanceScale : asked)
        : throw new ArgumentException($"guidance_scale is {asked}; use a finite value of at least 0 (0 for the default {DefaultGuidanceScale}; 1 or less turns guidance off).");

    /// <summary>The step cache's threshold for <paramref name="asked"/>: 0 turns the cache off; a relative change such as 0.1 turns it on.</summary>
    public static float StepCacheThreshold(float asked) => IsStepCacheThreshold(asked) ? asked
        : throw new ArgumentException($"The step cache threshold is {asked}; use 0 to run every transformer block every step, or a relative change such as 0.1 " +
                                      "(higher skips more steps' blocks and costs more quality).");

    /// <summary>Whether <paramref name="value"/> can be a step cache threshold: finite and at least 0.</summary>
    public static bool IsStepCacheThreshold(float value) => float.IsFinite(value) && value >= 0;

    /// <summary>The longest preview edge for <paramref name="asked"/>, 0 for the default; smaller asks get the smallest preview.</summary>
    public static int PreviewMaxEdge(int asked) => asked > 0 ? Math.Max(MinPreviewEdge, asked) : DefaultPreviewMaxEdge;

    /// <summary>Refuses a prompt longer than <see cref="DecompositionLimits.MaxPromptBytes"/>; <paramref name="field"/> names it.</summary>
    public void CheckPromptLength(string field, string prompt)
    {
        int bytes = Encoding.UTF8.GetByteCount(prompt);
        if (bytes > Limits.MaxPromptBytes)
            throw new ArgumentException($"{field} is {bytes} bytes of UTF-8; this server accepts at most {Limits.MaxPromptBytes}. The model reads only its " +
                "first 512 tokens (about 2,400 characters of English, 650 of Chinese or Japanese): shorten it.");
    }

    /// <summary>Whether <paramref name="prompt"/> is to be replaced by a caption of the image.</summary>
    /// <exception cref="ArgumentException">The prompt is empty and the model can neither caption nor run without one.</exception>
    public bool NeedsCaption(string prompt)
    {
        if (!PromptSource.NeedsCaption(prompt) || Profile.TrainedWithEmptyPrompt) return false;
        if (!CanCaption)
            throw new ArgumentException("The prompt is empty and this model cannot caption images (its text encoder has no vision tower): " +
                "describe the image in a few words (what it shows, including partly hidden things).");
        return true;
    }

    /// <summary>Reads an encoded image's header and checks it against the limits, without decoding its pixels.</summary>
    /// <exception cref="InvalidImageException">Empty, too many bytes, not an accepted format, or too many pixels.</exception>
    public ImageHeader ReadImageHeader(ReadOnlySpan<byte> encoded) => ImageDecoder.ReadHeader(encoded, Limits.MaxPixels, Limits.MaxImageBytes);

    /// <summary>The resolution for <paramref name="asked"/>, 0 for the model's default; whether the model has it is the working size's check.</summary>
    public int Resolution(int asked) => asked >= 0 ? OrDefault(asked, DefaultResolution)
        : throw new ArgumentException($"resolution is {asked}; use one of the model's resolutions ({string.Join(" or ", Resolutions)}), or 0 for its default.");

    /// <summary>The size an input of <paramref name="width"/>x<paramref name="height"/> works at, for <paramref name="resolution"/> (0 for the default).</summary>
    public WorkingSize WorkingSize(int width, int height, int resolution)
    {
        int chosen = Resolution(resolution);
        return WorkingArea > 0
            ? Pipeline.WorkingSize.ForArea(width, height, WorkingArea, VaeScaleFactor)
            : Pipeline.WorkingSize.For(width, height, chosen, VaeScaleFactor, Resolutions);
    }

    /// <summary>A request for this model, sized at <paramref name="resolution"/> (0 for the default).</summary>
    public DecompositionRequest Request(InputImage image, string prompt, DecompositionSettings settings, int resolution = 0) =>
        new(image, WorkingSize(image.Width, image.Height, resolution), prompt, settings) { Resolution = Resolution(resolution) };

    /// <summary>Checks what every run needs, whatever the limits: the engine's own guard.</summary>
    public static void Check(DecompositionSettings settings)
    {
        if (settings.Layers < 1) throw new ArgumentException($"Layers is {settings.Layers}; at least 1 layer is needed.");
        if (settings.Steps < 1) throw new ArgumentException($"Steps is {settings.Steps}; at least 1 sampling step is needed.");
        if (!float.IsFinite(settings.GuidanceScale) || settings.GuidanceScale < 0)
            throw new ArgumentException($"Guidance scale {settings.GuidanceScale} must be a finite number of at least 0.");
        StepCacheThreshold(settings.StepCacheThreshold);
        if (settings.PreviewEverySteps < 0) throw new ArgumentException("PreviewEverySteps must be 0 (no previews) or more.");
        if (settings.PreviewMaxEdge < MinPreviewEdge) throw new ArgumentException($"PreviewMaxEdge is {settings.PreviewMaxEdge}; use at least {MinPreviewEdge} pixels.");
    }

    private static int OrDefault(int asked, int fallback) => asked == 0 ? fallback : asked;
}
