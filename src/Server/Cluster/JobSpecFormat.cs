using System.Text;
using QwenLayered.Engine.Imaging;
using QwenLayered.Engine.Pipeline;
using QwenLayered.Engine.QwenVL;

namespace QwenLayered.Server.Cluster;

/// <summary>
/// A queued job's request as the shared store keeps it until a worker on any server takes it: the image still encoded
/// (as the front door checked it), the working size and every setting, so the worker runs exactly what was accepted.
/// Written and read by servers of the same version only (the version byte refuses anything else).
/// </summary>
public static class JobSpecFormat
{
    private const byte Version = 2;

    public static byte[] Write(DecompositionRequest spec)
    {
        if (spec.Image.Encoded.IsEmpty) throw new ArgumentException("Only a request whose image is still encoded can be queued in the shared store.", nameof(spec));
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Version);
            var image = spec.Image;
            WriteBytes(writer, image.Encoded);
            writer.Write(image.Header.Format); writer.Write(image.Header.Width); writer.Write(image.Header.Height); writer.Write(image.Header.SourceBitsPerChannel);
            writer.Write(image.Region is not null);
            if (image.Region is { } region)
            {
                writer.Write(region.X); writer.Write(region.Y); writer.Write(region.Width); writer.Write(region.Height);
                WriteBytes(writer, region.Mask);
            }
            var size = spec.Size;
            writer.Write(size.Width); writer.Write(size.Height); writer.Write(size.LatentWidth); writer.Write(size.LatentHeight);
            writer.Write(size.OutputWidth); writer.Write(size.OutputHeight);
            writer.Write(spec.Prompt);
            var settings = spec.Settings;
            writer.Write(settings.Layers); writer.Write(settings.Steps); writer.Write(settings.GuidanceScale);
            writer.Write(settings.NormalizeGuidance); writer.Write(settings.BatchGuidance); writer.Write(settings.Seed);
            writer.Write(settings.PreviewEverySteps); writer.Write(settings.PreviewMaxEdge); writer.Write(settings.SixteenBit);
            writer.Write(settings.AutomaticLayers); writer.Write(settings.StepCacheThreshold); writer.Write(settings.FullResolution);
            writer.Write(spec.NegativePrompt is not null);
            if (spec.NegativePrompt is not null) writer.Write(spec.NegativePrompt);
            writer.Write(spec.Resolution);
            writer.Write((int)spec.CaptionLanguage);
        }
        return stream.ToArray();
    }

    /// <exception cref="FormatException">The bytes are not a request of this version.</exception>
    public static DecompositionRequest Read(byte[] bytes)
    {
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
            if (reader.ReadByte() != Version) throw new FormatException("The queued request was written by a server of another version.");
            var encoded = ReadBytes(reader);
            var header = new ImageHeader(reader.ReadString(), reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32());
            var region = reader.ReadBoolean()
                ? new ImageRegion(reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32(), ReadBytes(reader))
                : null;
            var size = new WorkingSize(reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32())
            {
                OutputWidth = reader.ReadInt32(), OutputHeight = reader.ReadInt32(),
            };
            string prompt = reader.ReadString();
            var settings = new DecompositionSettings
            {
                Layers = reader.ReadInt32(), Steps = reader.ReadInt32(), GuidanceScale = reader.ReadSingle(),
                NormalizeGuidance = reader.ReadBoolean(), BatchGuidance = reader.ReadBoolean(), Seed = reader.ReadUInt64(),
                PreviewEverySteps = reader.ReadInt32(), PreviewMaxEdge = reader.ReadInt32(), SixteenBit = reader.ReadBoolean(),
                AutomaticLayers = reader.ReadBoolean(), StepCacheThreshold = reader.ReadSingle(), FullResolution = reader.ReadBoolean(),
            };
            string? negative = reader.ReadBoolean() ? reader.ReadString() : null;
            return new DecompositionRequest(new InputImage(encoded, header, region), size, prompt, settings)
            {
                NegativePrompt = negative, Resolution = reader.ReadInt32(), CaptionLanguage = (CaptionLanguage)reader.ReadInt32(),
            };
        }
        catch (EndOfStreamException error)
        {
            throw new FormatException("The queued request is cut short.", error);
        }
    }

    private static void WriteBytes(BinaryWriter writer, ReadOnlyMemory<byte> bytes)
    {
        writer.Write(bytes.Length);
        writer.Write(bytes.Span);
    }

    private static byte[] ReadBytes(BinaryReader reader) => reader.ReadBytes(reader.ReadInt32());
}
