namespace QwenLayered.Toolbox.Evaluation;

/// <summary>The outcome of an evaluation: what was run, each decomposer's summary (in the order they ran) and every scene's scores.</summary>
/// <param name="Setup">One line saying which scenes and which settings, for the report's readers.</param>
public sealed record EvaluationReport(string Setup, IReadOnlyList<DecomposerSummary> Summaries, IReadOnlyList<SceneScore> Scenes);
