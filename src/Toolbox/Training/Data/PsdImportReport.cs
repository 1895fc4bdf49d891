namespace QwenLayered.Toolbox.Training.Data;

/// <summary>What an import did: the scene folders written and the files left out, each with its reason.</summary>
public sealed record PsdImportReport(IReadOnlyList<string> SceneFolders, IReadOnlyList<PsdImportSkip> Skipped);

public sealed record PsdImportSkip(string File, string Reason);
