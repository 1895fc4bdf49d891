using System.Text;

namespace QwenLayered.Server.Jobs;

/// <summary>
/// The file a finished job is stored in, a format of this server's own: the 8 ASCII bytes "QLRESULT", a version (int32),
/// the owner, the client request id and the finish time, then each event as its length (int32) and its fields, the
/// outcome last. Little-endian, strings as <see cref="BinaryWriter"/> writes them. Version 2 added a layer's placement
/// (offset, size, bits per channel, chunk count) and layer chunks; version 1 files are still read, their layers at
/// (0, 0) in one 8-bit piece. A file of another version or one that does not follow this layout to its end is refused
/// with <see cref="ResultFormatException"/>.
/// </summary>
public static class ResultFile
{
    /// <summary>Raised on any change an older server could not read; such files are then refused, not misread.</summary>
    public const int Version = 2;

    // Versions this server reads: its own and the one before placed layers.
    private const int FirstReadableVersion = 1;

    private static ReadOnlySpan<byte> Magic => "QLRESULT"u8;

    public static void Write(Stream stream, ResultHeader header, IReadOnlyList<JobUpdate> events)
    {
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(Version);
        writer.Write(header.Owner);
        writer.Write(header.ClientRequestId);
        writer.Write(header.FinishedAt.ToUniversalTime().Ticks);
        writer.Flush();
        foreach (var update in events) WriteEvent(stream, update);
    }

    /// <summary>
    /// One event as it stands in the file: its length, then its fields. The shared job store keeps each event in these
    /// bytes too, beside this version, read back with <see cref="ReadEvent(Stream, int)"/>.
    /// </summary>
    public static void WriteEvent(Stream stream, JobUpdate update)
    {
        using var record = new MemoryStream();
        using (var fields = new BinaryWriter(record, Encoding.UTF8, leaveOpen: true)) WriteFields(fields, update);
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write((int)record.Length);
        writer.Write(record.GetBuffer(), 0, (int)record.Length);
    }

    /// <summary>Reads the header and leaves the stream at the first event.</summary>
    /// <exception cref="ResultFormatException">Not a result file, or one of another version.</exception>
    public static ResultHeader ReadHeader(Stream stream) => Read(() =>
    {
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        Span<byte> magic = stackalloc byte[8];
        if (stream.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false) < magic.Length || !magic.SequenceEqual(Magic))
            throw new ResultFormatException("it is not a QwenLayered result file");
        int version = reader.ReadInt32();
        CheckVersion(version);
        return new ResultHeader(reader.ReadString(), reader.ReadString(), new DateTime(reader.ReadInt64(), DateTimeKind.Utc)) { Version = version };
    });

    /// <summary>
    /// Walks the events after the header without keeping them (their image bytes are skipped, not read): each must be
    /// whole and the file must end right after the outcome.
    /// </summary>
    /// <exception cref="ResultFormatException">The events are truncated or damaged.</exception>
    public static void CheckEvents(Stream stream, ResultHeader header)
    {
        long start = stream.Position;
        var outcome = false;
        while (stream.Position < stream.Length)
        {
            if (outcome) throw new ResultFormatException("events follow its outcome");
            var update = ReadEvent(stream, header.Version, skipImages: true)!;
            outcome = update.IsOutcome;
        }
        if (!outcome) throw new ResultFormatException("it ends before the job's outcome");
        stream.Position = start;
    }

    /// <summary>The next event, or null at the end of the file.</summary>
    /// <exception cref="ResultFormatException">The event is truncated or damaged.</exception>
    public static JobUpdate? ReadEvent(Stream stream, ResultHeader header) =>
        stream.Position < stream.Length ? ReadEvent(stream, header.Version, skipImages: false) : null;

    /// <summary>One event as <see cref="WriteEvent"/> wrote it when <see cref="Version"/> was <paramref name="version"/>.</summary>
    /// <exception cref="ResultFormatException">A version this server does not read, or a truncated or damaged event.</exception>
    public static JobUpdate ReadEvent(Stream stream, int version)
    {
        CheckVersion(version);
        return ReadEvent(stream, version, skipImages: false);
    }

    private static void CheckVersion(int version)
    {
        if (version is < FirstReadableVersion or > Version)
            throw new ResultFormatException($"it is of version {version}, and this server reads versions {FirstReadableVersion} to {Version} only");
    }

    private static JobUpdate ReadEvent(Stream stream, int version, bool skipImages) => Read(() =>
    {
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        int length = reader.ReadInt32();
        if (length < 0 || length > stream.Length - stream.Position)
            throw new ResultFormatException($"an event at byte {stream.Position - 4} is cut short");
        long end = stream.Position + length;
        var update = ReadFields(reader, end, version, skipImages);
        if (stream.Position != end) throw new ResultFormatException($"an event before byte {end} does not match its length");
        return update;
    });

    private static void WriteFields(BinaryWriter writer, JobUpdate update)
    {
        writer.Write((byte)KindOf(update));
        writer.Write(update.Sequence);
        writer.Write(update.Time.ToUniversalTime().Ticks);
        switch (update)
        {
            case JobAccepted e: writer.Write(e.QueuePosition); break;
            case JobQueuePositionChanged e: writer.Write(e.QueuePosition); break;
            case JobStarted e:
                writer.Write(e.Seed); writer.Write(e.Width); writer.Write(e.Height); writer.Write(e.Layers); writer.Write(e.Steps); writer.Write(e.Prompt);
                break;
            case JobProgress e: writer.Write(e.Step); writer.Write(e.TotalSteps); writer.Write(e.Elapsed.Ticks); writer.Write(e.EstimatedRemaining.Ticks); break;
            case JobPreview e: writer.Write(e.Step); writer.Write(e.LayerIndex); WriteBytes(writer, e.Png); break;
            case JobLayer e:
                writer.Write(e.Index); writer.Write(e.Name); WriteBytes(writer, e.Png);
                writer.Write(e.Bounds is not null);
                if (e.Bounds is { } b) { writer.Write(b.X); writer.Write(b.Y); writer.Write(b.Width); writer.Write(b.Height); }
                writer.Write(e.X); writer.Write(e.Y); writer.Write(e.Width); writer.Write(e.Height); writer.Write(e.BitsPerChannel); writer.Write(e.ChunkCount);
                break;
            case JobLayerChunk e: writer.Write(e.LayerIndex); writer.Write(e.Chunk); WriteBytes(writer, e.Data); break;
            case JobCompleted e:
                writer.Write(e.LayerCount);
                writer.Write(e.Timings.Count);
                foreach (var timing in e.Timings) { writer.Write(timing.Phase); writer.Write(timing.Duration.Ticks); }
                break;
            case JobFailed e: writer.Write((byte)e.Failure); writer.Write(e.Message); break;
            case JobCancelled e: writer.Write(e.Reason); break;
        }
    }

    private static JobUpdate ReadFields(BinaryReader reader, long end, int version, bool skipImages)
    {
        var kind = (Kind)reader.ReadByte();
        ulong sequence = reader.ReadUInt64();
        var time = new DateTime(reader.ReadInt64(), DateTimeKind.Utc);
        JobUpdate update = kind switch
        {
            Kind.Accepted => new JobAccepted(reader.ReadInt32()),
            Kind.QueuePositionChanged => new JobQueuePositionChanged(reader.ReadInt32()),
            Kind.Started => new JobStarted(reader.ReadUInt64(), reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32(), reader.ReadString()),
            Kind.Progress => new JobProgress(reader.ReadInt32(), reader.ReadInt32(), new TimeSpan(reader.ReadInt64()), new TimeSpan(reader.ReadInt64())),
            Kind.Preview => new JobPreview(reader.ReadInt32(), reader.ReadInt32(), ReadBytes(reader, end, skipImages)),
            Kind.Layer => ReadLayer(reader, end, version, skipImages),
            Kind.LayerChunk when version >= 2 => new JobLayerChunk(reader.ReadInt32(), reader.ReadInt32(), ReadBytes(reader, end, skipImages)),
            Kind.Completed => new JobCompleted(reader.ReadInt32(), ReadTimings(reader, end)),
            Kind.Failed => new JobFailed(ReadFailure(reader), reader.ReadString()),
            Kind.Cancelled => new JobCancelled(reader.ReadString()),
            _ => throw new ResultFormatException($"an event has the unknown kind {(byte)kind}"),
        };
        return update with { Sequence = sequence, Time = time };
    }

    private static JobLayer ReadLayer(BinaryReader reader, long end, int version, bool skipImages)
    {
        var layer = new JobLayer(reader.ReadInt32(), reader.ReadString(), ReadBytes(reader, end, skipImages),
            reader.ReadBoolean() ? new LayerBounds(reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32()) : null);
        if (version < 2) return layer;
        return layer with
        {
            X = reader.ReadInt32(), Y = reader.ReadInt32(), Width = reader.ReadInt32(), Height = reader.ReadInt32(),
            BitsPerChannel = reader.ReadInt32(), ChunkCount = reader.ReadInt32(),
        };
    }

    private static void WriteBytes(BinaryWriter writer, ReadOnlyMemory<byte> bytes)
    {
        writer.Write(bytes.Length);
        writer.Write(bytes.Span);
    }

    private static ReadOnlyMemory<byte> ReadBytes(BinaryReader reader, long end, bool skip)
    {
        int length = reader.ReadInt32();
        if (length < 0 || length > end - reader.BaseStream.Position) throw new ResultFormatException("an image in an event is cut short");
        if (!skip) return reader.ReadBytes(length);
        reader.BaseStream.Seek(length, SeekOrigin.Current);
        return ReadOnlyMemory<byte>.Empty;
    }

    private static List<PhaseTime> ReadTimings(BinaryReader reader, long end)
    {
        int count = reader.ReadInt32();
        // Each timing takes at least 9 bytes, so a damaged count cannot make a huge list.
        if (count < 0 || count > (end - reader.BaseStream.Position) / 9) throw new ResultFormatException("the timings of an event are cut short");
        var timings = new List<PhaseTime>(count);
        for (int i = 0; i < count; i++) timings.Add(new PhaseTime(reader.ReadString(), new TimeSpan(reader.ReadInt64())));
        return timings;
    }

    private static JobFailure ReadFailure(BinaryReader reader)
    {
        var failure = (JobFailure)reader.ReadByte();
        return Enum.IsDefined(failure) ? failure : throw new ResultFormatException($"a failure has the unknown kind {(byte)failure}");
    }

    // What the reader throws on a file that ends early or holds bytes that are no string: the file is damaged.
    private static T Read<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception error) when (error is EndOfStreamException or IOException or FormatException or DecoderFallbackException or ArgumentException)
        {
            throw new ResultFormatException($"it is damaged ({error.Message})", error);
        }
    }

    private static Kind KindOf(JobUpdate update) => update switch
    {
        JobAccepted => Kind.Accepted,
        JobQueuePositionChanged => Kind.QueuePositionChanged,
        JobStarted => Kind.Started,
        JobProgress => Kind.Progress,
        JobPreview => Kind.Preview,
        JobLayer => Kind.Layer,
        JobLayerChunk => Kind.LayerChunk,
        JobCompleted => Kind.Completed,
        JobFailed => Kind.Failed,
        JobCancelled => Kind.Cancelled,
        _ => throw new ArgumentException($"{update.GetType().Name} has no kind in the result file.", nameof(update)),
    };

    // Stored numbers: never reuse or renumber one within a version.
    private enum Kind : byte
    {
        Accepted = 1,
        QueuePositionChanged = 2,
        Started = 3,
        Progress = 4,
        Preview = 5,
        Layer = 6,
        Completed = 7,
        Failed = 8,
        Cancelled = 9,
        LayerChunk = 10,
    }
}

/// <summary>What a result file says of its job before its events.</summary>
public sealed record ResultHeader(string Owner, string ClientRequestId, DateTime FinishedAt)
{
    /// <summary>The version of the file it was read from; <see cref="ResultFile.Version"/> for one to write.</summary>
    public int Version { get; init; } = ResultFile.Version;
}

/// <summary>A result file that this server cannot read; the message completes "The result file … was refused: ".</summary>
public sealed class ResultFormatException(string message, Exception? inner = null) : Exception(message, inner);
