using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using QwenLayered.Server.Hosting;

namespace QwenLayered.Server.Jobs;

/// <summary>
/// Finished jobs on disk, one <see cref="ResultFile"/> each (<c>&lt;id&gt;.result</c>), written through a temporary file
/// so that a result is either complete or absent. Results older than the time to live are deleted at startup and
/// whenever another result is saved. An index in memory answers which results exist, whose they are and when they
/// expire; the lock guards that index only, and no file is read, written or deleted while it is held.
/// </summary>
public sealed partial class ResultStore
{
    private const string Extension = ".result";

    private readonly string _folder;
    private readonly TimeSpan _timeToLive;
    private readonly ILogger<ResultStore> _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ResultHeader> _results = [];
    private readonly Dictionary<(string Owner, string ClientRequestId), string> _byRequest = [];

    public ResultStore(IOptions<JobsOptions> options, ILogger<ResultStore> logger)
    {
        _folder = Path.GetFullPath(options.Value.ResultsFolder);
        _timeToLive = options.Value.ResultTimeToLive;
        _logger = logger;
        CheckFolderIsWritable();
        foreach (string path in Directory.EnumerateFiles(_folder, "*" + Extension))
        {
            string id = Path.GetFileNameWithoutExtension(path);
            if (IsJobId(id) && ReadHeader(id) is { } header) Index(id, header);
        }
        PurgeExpired();
    }

    public void Save(string id, string owner, string clientRequestId, IReadOnlyList<JobUpdate> events)
    {
        var header = new ResultHeader(owner, clientRequestId, DateTime.UtcNow);
        string temporary = ResultPath(id) + ".tmp";
        using (var stream = File.Create(temporary)) ResultFile.Write(stream, header, events);
        File.Move(temporary, ResultPath(id), overwrite: true);
        Index(id, header);
        PurgeExpired();
    }

    /// <summary>
    /// The stored job, or null when it is unknown, expired, or its file cannot be read (then logged). Its events stay
    /// on disk until followed, and are then read one at a time, so each Attach holds one event, not the whole result.
    /// </summary>
    public JobRecord? Find(string id)
    {
        lock (_gate)
        {
            if (!_results.TryGetValue(id, out var indexed) || IsExpired(indexed)) return null;
        }
        if (ReadHeader(id, checkEvents: true) is not { } header)
        {
            Forget(id);
            return null;
        }
        return new JobRecord(id, header.Owner, new StoredEvents(id, ResultPath(id), _logger));
    }

    /// <summary>The id of a stored job submitted by <paramref name="owner"/> with this client request id.</summary>
    public string? FindByRequest(string owner, string clientRequestId)
    {
        lock (_gate)
        {
            return _byRequest.TryGetValue((owner, clientRequestId), out var id) && !IsExpired(_results[id]) ? id : null;
        }
    }

    private void Index(string id, ResultHeader header)
    {
        lock (_gate)
        {
            _results[id] = header;
            if (!string.IsNullOrEmpty(header.ClientRequestId)) _byRequest[(header.Owner, header.ClientRequestId)] = id;
        }
    }

    private void Forget(string id)
    {
        lock (_gate)
        {
            if (!_results.Remove(id, out var header)) return;
            if (_byRequest.TryGetValue((header.Owner, header.ClientRequestId), out var indexed) && indexed == id)
                _byRequest.Remove((header.Owner, header.ClientRequestId));
        }
    }

    // Checking every result after each save is cheap next to a decomposition, and keeps expiry free of timers.
    private void PurgeExpired()
    {
        List<string> expired;
        lock (_gate) expired = [.. _results.Where(result => IsExpired(result.Value)).Select(result => result.Key)];
        foreach (string id in expired)
        {
            Forget(id);
            File.Delete(ResultPath(id));
            LogExpired(_logger, id);
        }
    }

    private bool IsExpired(ResultHeader header) => DateTime.UtcNow - header.FinishedAt > _timeToLive;

    // Created and written once at startup, so a folder this server may not write is reported then, not as the first job ends.
    private void CheckFolderIsWritable()
    {
        try
        {
            Directory.CreateDirectory(_folder);
            string probe = Path.Combine(_folder, $".write-check-{Environment.ProcessId}.tmp");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new ServerConfigurationException(
                $"Jobs:ResultsFolder {_folder} cannot be created or written ({error.Message}). Give --Jobs:ResultsFolder a folder this user may write to.");
        }
    }

    // Ids are generated by the scheduler; anything else (a path, say) is never looked up on disk.
    private static bool IsJobId(string id) => JobIdPattern().IsMatch(id);

    // Null, and logged, when the file is gone or cannot be read as a result of this version.
    private ResultHeader? ReadHeader(string id, bool checkEvents = false)
    {
        try
        {
            using var stream = File.OpenRead(ResultPath(id));
            var header = ResultFile.ReadHeader(stream);
            if (checkEvents) ResultFile.CheckEvents(stream, header);
            return header;
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (Exception error) when (error is ResultFormatException or IOException or UnauthorizedAccessException)
        {
            LogRefused(_logger, id, ResultPath(id), error.Message);
            return null;
        }
    }

    private string ResultPath(string id) => Path.Combine(_folder, id + Extension);

    private sealed class StoredEvents(string id, string path, ILogger logger) : IJobEvents
    {
        // A finished job gets no new events: the stored ones, read as the stream asks for them.
        public IAsyncEnumerable<JobUpdate> Follow(ulong afterSequence, CancellationToken cancellation) =>
            Read(afterSequence, cancellation).ToAsyncEnumerable();

        private IEnumerable<JobUpdate> Read(ulong afterSequence, CancellationToken cancellation)
        {
            using var stream = Open();
            var header = Next(() => ResultFile.ReadHeader(stream));
            while (Next(() => ResultFile.ReadEvent(stream, header)) is { } update)
            {
                cancellation.ThrowIfCancellationRequested();
                if (update.Sequence > afterSequence) yield return update;
            }
        }

        private FileStream Open() => Next(() => File.OpenRead(path));

        // The file was checked when found; failing now, it was damaged or deleted since.
        private T Next<T>(Func<T> read)
        {
            try
            {
                return read();
            }
            catch (Exception error) when (error is ResultFormatException or IOException or UnauthorizedAccessException)
            {
                LogUnreadable(logger, id, error);
                throw new ResultUnreadableException(id, error);
            }
        }
    }

    [GeneratedRegex("^[A-Za-z0-9-]{1,100}$")]
    private static partial Regex JobIdPattern();

    [LoggerMessage(Level = LogLevel.Information, Message = "Result of job {JobId} expired and was deleted")]
    private static partial void LogExpired(ILogger logger, string jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The result file {Path} of job {JobId} was refused: {Reason}; Attach treats the job as unknown")]
    private static partial void LogRefused(ILogger logger, string jobId, string path, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Result of job {JobId} could not be read")]
    private static partial void LogUnreadable(ILogger logger, string jobId, Exception error);
}
