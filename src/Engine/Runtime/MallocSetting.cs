namespace QwenLayered.Engine.Runtime;

/// <summary>One glibc malloc setting: its tunable's name, the variable that sets it at start, and what mallopt takes.</summary>
public sealed record MallocSetting(string Name, string Variable, int Parameter, int Value);
