namespace QwenLayered.Server.Jobs;

/// <summary>A job as Attach and Cancel see it, live or read back from the result store.</summary>
public sealed record JobRecord(string Id, string Owner, IJobEvents Events);
