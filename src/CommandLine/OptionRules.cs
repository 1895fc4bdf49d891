using System.CommandLine;

namespace QwenLayered.CommandLine;

/// <summary>Rules on an option's value (a range, a multiple), checked once System.CommandLine has parsed it.</summary>
public static class OptionRules
{
    /// <summary>Adds <paramref name="error"/> to the parse errors when the value breaks the rule.</summary>
    public static void Require<T>(this Option<T> option, Func<T, bool> isValid, string error) =>
        option.Validators.Add(result =>
        {
            T value;
            try
            {
                value = result.GetValueOrDefault<T>()!;
            }
            catch (InvalidOperationException)
            {
                // Validators run before the value is converted, and reading one that does not convert ('abc' for a
                // number) throws; System.CommandLine has then recorded its own parse error, which says it better.
                return;
            }
            if (!isValid(value)) result.AddError(error);
        });
}
