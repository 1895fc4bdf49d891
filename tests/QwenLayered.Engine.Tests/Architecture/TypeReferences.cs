using System.Reflection;
using System.Reflection.Emit;
using QwenLayered.Engine.Tests.Runtime;

namespace QwenLayered.Engine.Tests.Architecture;

/// <summary>
/// The types a type uses: its base type, interfaces, fields, properties and method signatures, and every type, method
/// and field its IL names (<see cref="MethodCalls.MembersNamedBy"/>), generic arguments included.
/// </summary>
internal static class TypeReferences
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

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

    // The types the IL names, and the declaring types of the methods and fields it names.
    private static IEnumerable<Type> InBody(MethodBase method) =>
        MethodCalls.MembersNamedBy(method, OperandType.InlineMethod, OperandType.InlineField, OperandType.InlineType, OperandType.InlineTok)
            .Select(member => member as Type ?? member.DeclaringType).OfType<Type>();
}
