namespace QwenLayered.Engine.Memory;

/// <summary>One shape's activation peak as <see cref="ActivationFit"/> plans it and as measured, for <c>plan --check</c>.</summary>
/// <param name="Width">The transformer's width.</param>
/// <param name="Tokens">Tokens a sequence (image and text).</param>
public sealed record ActivationCheck(int Width, int Tokens, long Planned, long Measured)
{
    /// <summary>(planned − measured) / measured: positive where the plan errs high.</summary>
    public double Error => (Planned - Measured) / (double)Measured;
}
