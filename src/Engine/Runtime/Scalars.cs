using TorchSharp;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Runtime;

/// <summary>
/// Numbers for tensor operations as scalars that stay referenced until well after the operation returns. TorchSharp
/// turns a number handed to an operation (<c>x * 0.5</c>, <c>x.pow(2)</c>, even the implicit α of <c>a + b</c>) into
/// a Scalar that nothing references while libtorch runs, so a garbage collection started by another thread (a
/// preview being encoded, a request being served) can finalize it mid-call; libtorch then reads freed memory and
/// fails ("Unknown scalar type") or computes with a wrong number. The engine therefore writes <c>x * Kept(0.5)</c>,
/// and a test checks that no engine code hands TorchSharp a number any other way.
/// </summary>
internal static class Scalars
{
    // Operations run synchronously on the thread that made their scalars and use them at once, so a scalar made this
    // many scalars ago on the same thread is no longer in use and can be disposed.
    private const int Held = 64;

    [ThreadStatic] private static Scalar?[]? _recent;
    [ThreadStatic] private static int _next;

    public static Scalar Kept(double value) => Keep(value.ToScalar());

    public static Scalar Kept(float value) => Keep(value.ToScalar());

    public static Scalar Kept(long value) => Keep(value.ToScalar());

    public static Scalar Kept(int value) => Keep(value.ToScalar());

    // TorchSharp's + makes its α = 1 as a loose scalar even between two tensors, and its number − tensor another.

    /// <summary><c>left + right</c>.</summary>
    public static Tensor Plus(this Tensor left, Tensor right) => left.add(right, Kept(1));

    /// <summary><c>left + right</c>.</summary>
    public static Tensor Plus(this Tensor left, Scalar right) => left.add(right, Kept(1));

    /// <summary><c>left − right</c>: −right + left, the same number in floating point.</summary>
    public static Tensor Minus(this Scalar left, Tensor right) => right.neg().Plus(left);

    private static Scalar Keep(Scalar scalar)
    {
        var recent = _recent ??= new Scalar?[Held];
        recent[_next]?.Dispose();
        recent[_next] = scalar;
        _next = (_next + 1) % Held;
        return scalar;
    }
}
