using System.Reflection;
using QwenLayered.Engine.Runtime;

namespace QwenLayered.Engine.Tests.Architecture;

/// <summary>
/// The engine is inference only and layered by folder: it references no toolbox (training, evaluation, parity,
/// benchmarks), and no two of its folders (namespaces) use each other, directly or through others.
/// </summary>
public sealed class EngineDependencyTests
{
    private static readonly Assembly Engine = typeof(Scalars).Assembly;

    [Fact]
    public void EngineAssembly_ReferencesNoToolboxNorAnyOtherProject()
    {
        var references = Engine.GetReferencedAssemblies().Select(name => name.Name).ToList();

        Assert.DoesNotContain(references, name => name!.StartsWith("QwenLayered.", StringComparison.Ordinal));
    }

    [Fact]
    public void EngineNamespaces_HoldNoToolboxCode()
    {
        string[] toolbox = ["Training", "Evaluation", "Parity", "Benchmarks"];

        var namespaces = Engine.GetTypes().Select(type => Folder(type.Namespace ?? "")).Distinct();

        Assert.DoesNotContain(namespaces, folder => toolbox.Any(name => folder.StartsWith(name, StringComparison.Ordinal)));
    }

    [Fact]
    public void EngineNamespaces_FormNoCycle()
    {
        var graph = NamespaceGraph();

        var cycles = Cycles(graph);

        Assert.True(cycles.Count == 0, "Folders that use each other: " + string.Join("; ", cycles.Select(cycle =>
            string.Join(", ", cycle.SelectMany(from => graph[from].Where(cycle.Contains).Select(to => $"{Folder(from)} -> {Folder(to)}"))))));
    }

    private static string Folder(string name) => name.StartsWith("QwenLayered.Engine.", StringComparison.Ordinal) ? name["QwenLayered.Engine.".Length..] : name;

    // Namespace -> the other Engine namespaces its types use.
    private static Dictionary<string, HashSet<string>> NamespaceGraph()
    {
        var graph = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var type in Engine.GetTypes().Where(type => type.Namespace is not null))
        {
            var uses = graph.TryGetValue(type.Namespace!, out var known) ? known : graph[type.Namespace!] = [];
            foreach (var used in TypeReferences.Of(type))
                if (used.Assembly == Engine && used.Namespace is { } other && other != type.Namespace)
                    uses.Add(other);
        }
        return graph;
    }

    // The strongly connected components of more than one namespace (Tarjan's algorithm), each sorted.
    private static List<List<string>> Cycles(Dictionary<string, HashSet<string>> graph)
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var cycles = new List<List<string>>();
        void Visit(string node)
        {
            index[node] = low[node] = index.Count;
            stack.Push(node);
            foreach (var next in graph.GetValueOrDefault(node, []))
            {
                if (!index.ContainsKey(next)) { Visit(next); low[node] = Math.Min(low[node], low[next]); }
                else if (stack.Contains(next)) low[node] = Math.Min(low[node], index[next]);
            }
            if (low[node] != index[node]) return;
            var component = new List<string>();
            string member;
            do { member = stack.Pop(); component.Add(member); } while (member != node);
            if (component.Count > 1) cycles.Add([.. component.Order(StringComparer.Ordinal)]);
        }
        foreach (var node in graph.Keys.Order(StringComparer.Ordinal))
            if (!index.ContainsKey(node)) Visit(node);
        return cycles;
    }
}
