using System.Reflection;
using System.Runtime.CompilerServices;
using QwenLayered.Engine.Runtime;
using TorchSharp;
using static QwenLayered.Engine.Runtime.Scalars;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Tests.Runtime;

public class ScalarsTests
{
    [Fact]
    public void EngineCode_HandsTorchSharpNoNumberItDoesNotKeep()
    {
        var makesLooseScalar = new Dictionary<MethodBase, bool>();
        // A TorchSharp member makes a loose scalar when it, or a TorchSharp member it calls, converts a number implicitly.
        bool MakesLooseScalar(MethodBase method)
        {
            if (method.DeclaringType == typeof(Scalar) && method.Name == "op_Implicit") return true;
            if (method.DeclaringType?.Assembly != typeof(Scalar).Assembly) return false;
            if (makesLooseScalar.TryGetValue(method, out bool known)) return known;
            makesLooseScalar[method] = false;
            return makesLooseScalar[method] = MethodCalls.Of(method).Any(MakesLooseScalar);
        }

        var offenders = MethodCalls.DeclaredIn(typeof(Scalars).Assembly)
            .SelectMany(method => MethodCalls.Of(method).Where(MakesLooseScalar)
                .Select(callee => $"{method.DeclaringType!.FullName}.{method.Name} calls {callee.DeclaringType!.Name}.{callee.Name}"))
            .Distinct()
            .ToList();

        Assert.True(offenders.Count == 0, "Pass numbers through Scalars.Kept (and add tensors with Plus):\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void Kept_ScalarOutlivesGarbageCollectionsWithoutAReference()
    {
        var scalar = KeptWithoutReference(2.5);

        GC.Collect();
        GC.WaitForPendingFinalizers();

        Assert.True(scalar.IsAlive);
    }

    [Fact]
    public void Kept_KeepsTheNumberAndItsType()
    {
        using var floats = ones(3);
        using var longs = ones(3, dtype: ScalarType.Int64);

        Assert.Equal([2.5f, 2.5f, 2.5f], (floats * Kept(2.5)).data<float>().ToArray());
        Assert.Equal(ScalarType.Int64, (longs * Kept(3)).dtype);
        Assert.Equal(ScalarType.Float32, (longs * Kept(0.5f)).dtype);
    }

    [Fact]
    public void PlusAndMinus_GiveTheOperatorsResultsBitForBit()
    {
        using var generator = new Generator(7);
        using var a = randn([1000], generator: generator);
        using var b = randn([1000], generator: generator);

        Assert.True(a.Plus(b).Equals(a + b));
        Assert.True(a.Plus(Kept(0.1f)).Equals(a + 0.1f));
        Assert.True(Kept(0.3f).Minus(a).Equals(0.3f - a));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference KeptWithoutReference(double value) => new(Kept(value));
}
