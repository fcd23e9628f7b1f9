using System.Linq.Expressions;
using TalentOne.Policies.Language;
using TalentOne.Policies.Schema;
using E = System.Linq.Expressions.Expression;

namespace TalentOne.Policies.Catalog;

/// <summary>A loaded, type-checked and compiled catalog. Immutable except for the parameter table,
/// which an administrator may extend (a new table is swapped in atomically).</summary>
public sealed class PolicyCatalog
{
    public ProfileSchema Schema { get; }
    public IReadOnlyList<PolicyDocument> Documents { get; }
    public IReadOnlyList<Policy> Policies { get; }
    public IReadOnlyDictionary<string, Policy> ById { get; }
    public IReadOnlyList<PolicyGroup> Groups { get; }
    /// <summary>Definitions in dependency order.</summary>
    public IReadOnlyList<Definition> Definitions { get; }
    public ParameterHolder Parameters { get; }
    public IReadOnlyList<PackageTest> PackageTests { get; }
    /// <summary>Hash of every catalog file: identifies the rules an answer was computed with.</summary>
    public string Version { get; }
    public string Root { get; }
    /// <summary>Profile row width: fact slots, then one slot per definition.</summary>
    public int RowWidth { get; }
    public DateTimeOffset LoadedAt { get; } = DateTimeOffset.UtcNow;

    internal Action<double[], double, double[]> FillDefinitions { get; } = (_, _, _) => { };
    /// <summary>Per policy: writes each clause's truth (1/0/NaN), then the amount, then each cap into out[Offset…].</summary>
    internal Action<double[], double, double[], double[]>[] Kernels { get; } = [];
    internal int[] Offsets { get; } = [];
    internal int OutWidth { get; }
    internal int FactSetCount { get; }

    internal PolicyCatalog(ProfileSchema schema, List<PolicyDocument> documents, List<Policy> policies, List<PolicyGroup> groups,
        List<Definition> definitions, ParameterHolder parameters, List<PackageTest> packageTests, string version, string root, bool compile)
    {
        Schema = schema;
        Documents = documents;
        Policies = policies;
        for (int i = 0; i < policies.Count; i++) policies[i].Index = i;
        ById = policies.GroupBy(p => p.Id).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        Groups = groups;
        Parameters = parameters;
        PackageTests = packageTests;
        Version = version;
        Root = root;

        var ordered = new List<Definition>();
        var seen = new HashSet<Definition>();
        void Visit(Definition d)
        {
            if (!seen.Add(d)) return;
            if (d.Body != null)
            {
                var deps = new HashSet<Definition>();
                foreach (var c in BoundWalk.Children(d.Body)) BoundWalk.CollectDefinitions(c, deps);
                if (d.Body is BDefinition bd) deps.Add(bd.Def);
                foreach (var dep in deps) Visit(dep);
            }
            ordered.Add(d);
        }
        foreach (var d in definitions) Visit(d);
        Definitions = ordered;
        int slot = schema.SlotCount;
        foreach (var d in ordered) d.Slot = slot++;
        RowWidth = slot;
        if (!compile) return;
        var factSets = new Dictionary<string, int>(StringComparer.Ordinal);

        foreach (var p in policies)
            foreach (var c in p.Conditions)
                if (c.Body != null)
                {
                    c.Readable = Renderer.Render(c.Body);
                    var facts = new HashSet<FactDef>();
                    BoundWalk.CollectFacts(c.Body, facts);
                    c.Facts = schema.FactList.Where(facts.Contains).ToList();
                    var key = string.Join(",", c.Facts.Select(f => f.Path));
                    if (!factSets.TryGetValue(key, out var id)) factSets[key] = id = factSets.Count;
                    c.FactSetId = id;
                    c.TimeDependent = BoundWalk.UsesToday(c.Body);
                }
        FactSetCount = factSets.Count;
        foreach (var p in policies)
            if (p.Amount.Body != null) p.Amount.Readable = Renderer.Render(p.Amount.Body);

        var emitter = new RowEmitter(parameters);
        var fill = ordered.Where(d => d.Body != null)
            .Select(d => (E)E.Assign(E.ArrayAccess(emitter.Row, E.Constant(d.Slot)), emitter.Value(d.Body!))).ToList();
        fill.Add(E.Empty());
        FillDefinitions = E.Lambda<Action<double[], double, double[]>>(E.Block(fill), emitter.Row, emitter.TodayParam, emitter.Pv).Compile();

        Offsets = new int[policies.Count];
        Kernels = new Action<double[], double, double[], double[]>[policies.Count];
        int off = 0;
        for (int i = 0; i < policies.Count; i++)
        {
            var p = policies[i];
            Offsets[i] = off;
            Kernels[i] = CompileKernel(emitter, p, off);
            off += p.Conditions.Count + 1 + p.Caps.Count;
        }
        OutWidth = off;
    }

    private static Action<double[], double, double[], double[]> CompileKernel(RowEmitter em, Policy p, int off)
    {
        var outArr = E.Parameter(typeof(double[]), "out");
        var body = new List<E>();
        int n = p.Conditions.Count;
        for (int k = 0; k < n; k++)
            body.Add(E.Assign(E.ArrayAccess(outArr, E.Constant(off + k)), em.BoolValue(p.Conditions[k].Body!)));
        // The amount is computed even when a condition fails: "nearly eligible" results show what the grant would be,
        // and a 就高不重复 group compares it with the grant already held.
        body.Add(E.Assign(E.ArrayAccess(outArr, E.Constant(off + n)), em.Value(p.Amount.Body!)));
        for (int j = 0; j < p.Caps.Count; j++)
            body.Add(E.Assign(E.ArrayAccess(outArr, E.Constant(off + n + 1 + j)), em.Value(p.Caps[j].Body)));
        return E.Lambda<Action<double[], double, double[], double[]>>(E.Block(body), em.Row, em.TodayParam, em.Pv, outArr).Compile();
    }

    private sealed class RowEmitter(ParameterHolder holder) : Emitter(holder)
    {
        public ParameterExpression Row { get; } = E.Parameter(typeof(double[]), "row");
        public ParameterExpression TodayParam { get; } = E.Parameter(typeof(double), "today");
        public ParameterExpression Pv { get; } = E.Parameter(typeof(double[]), "pv");
        public override E Today => TodayParam;
        public override E ParamSnapshot => Pv;
        public override E Slot(int slot) => E.ArrayIndex(Row, E.Constant(slot));
        public override E DefinitionValue(Definition d) => E.ArrayIndex(Row, E.Constant(d.Slot));
    }
}
