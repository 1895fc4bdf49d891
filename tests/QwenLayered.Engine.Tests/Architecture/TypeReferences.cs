using System.Reflection;
using System.Reflection.Emit;

namespace QwenLayered.Engine.Tests.Architecture;

/// <summary>
/// The types a type uses: its base type, interfaces, fields, properties and method signatures, and every type, method
/// and field its IL names (read with the runtime's own opcode table), generic arguments included.
/// </summary>
internal static class TypeReferences
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(field => (OpCode)field.GetValue(null)!)
        .ToDictionary(code => code.Value);

    public static IEnumerable<Type> Of(Type type)
    {
        var signatures = new List<Type?> { type.BaseType };
        signatures.AddRange(type.GetInterfaces());
        signatures.AddRange(type.GetFields(Declared).Select(field => field.FieldType));
        signatures.AddRange(type.GetProperties(Declared).Select(property => property.PropertyType));
        var methods = type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)).ToList();
        foreach (var method in methods)
        {
            if (method is MethodInfo info) signatures.Add(info.ReturnType);
            signatures.AddRange(method.GetParameters().Select(parameter => parameter.ParameterType));
        }
        return signatures.OfType<Type>().Concat(methods.SelectMany(InBody)).SelectMany(Unwrap);
    }

    // A type with its element and generic argument types: List<Foo[]> names List<>, Foo[] and Foo.
    private static IEnumerable<Type> Unwrap(Type type)
    {
        yield return type;
        if (type.HasElementType)
            foreach (var inner in Unwrap(type.GetElementType()!)) yield return inner;
        if (type.IsGenericType && !type.IsGenericTypeDefinition)
            foreach (var inner in type.GetGenericArguments().SelectMany(Unwrap)) yield return inner;
    }

    private static IEnumerable<Type> InBody(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null) yield break;
        for (int i = 0; i < il.Length;)
        {
            var code = OpCodesByValue[il[i] == 0xFE ? (short)(0xFE00 | il[i + 1]) : il[i]];
            i += code.Size;
            if (code.OperandType is OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok
                && Resolve(method, BitConverter.ToInt32(il, i)) is { } used)
                yield return used;
            i += OperandSize(code.OperandType, il, i);
        }
    }

    // The type a token names, or the declaring type of the method or field it names.
    private static Type? Resolve(MethodBase method, int token)
    {
        try
        {
            var member = method.Module.ResolveMember(token,
                method.DeclaringType is { IsGenericType: true } type ? type.GetGenericArguments() : null,
                method.IsGenericMethod ? method.GetGenericArguments() : null);
            return member as Type ?? member?.DeclaringType;
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
