using System.Reflection;
using System.Reflection.Emit;

namespace QwenLayered.Engine.Tests.Runtime;

/// <summary>The methods a method's IL calls (and the members it names), read with the runtime's own opcode table.</summary>
internal static class MethodCalls
{
    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(field => (OpCode)field.GetValue(null)!)
        .ToDictionary(code => code.Value);

    public static IEnumerable<MethodBase> Of(MethodBase method) => MembersNamedBy(method, OperandType.InlineMethod).OfType<MethodBase>();

    /// <summary>The methods, fields and types a method's IL names in operands of the given kinds.</summary>
    public static IEnumerable<MemberInfo> MembersNamedBy(MethodBase method, params OperandType[] kinds)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null) yield break;
        for (int i = 0; i < il.Length;)
        {
            var code = OpCodesByValue[il[i] == 0xFE ? (short)(0xFE00 | il[i + 1]) : il[i]];
            i += code.Size;
            if (kinds.Contains(code.OperandType) && Resolve(method, BitConverter.ToInt32(il, i)) is { } member)
                yield return member;
            i += OperandSize(code.OperandType, il, i);
        }
    }

    /// <summary>Every method and constructor declared in <paramref name="assembly"/>, compiler-generated ones included.</summary>
    public static IEnumerable<MethodBase> DeclaredIn(Assembly assembly)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        return assembly.GetTypes().SelectMany(type => type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)));
    }

    private static MemberInfo? Resolve(MethodBase method, int token)
    {
        try
        {
            return method.Module.ResolveMember(token,
                method.DeclaringType is { IsGenericType: true } type ? type.GetGenericArguments() : null,
                method.IsGenericMethod ? method.GetGenericArguments() : null);
        }
        catch (ArgumentException)
        {
            return null; // a member of a generic instantiation this context cannot name
        }
    }

    private static int OperandSize(OperandType type, byte[] il, int at) => type switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, at),
        _ => 4,
    };
}
