using System.Linq.Expressions;
using TalentOne.Policies.Catalog;
using TalentOne.Policies.Language;
using E = System.Linq.Expressions.Expression;

namespace TalentOne.Bench.Experiments;

/// <summary>
/// EXPERIMENT, not engine code: evidence for a proposed engine change (see docs/performance.md). Compiles every policy
/// of one kind of applicant into a few fused delegates over ONE profile row — the per-person body of SweepPlan's
/// kernels (three-valued short-circuit tests through the public <see cref="Emitter"/>, definitions computed once),
/// without the population loop — writing eligibility/unknown bits and amounts. This is what a single-profile
/// "eligibility + amounts" fast path could cost, before any explanation is materialised.
/// </summary>
public sealed class FusedRowKernel
{
    public delegate void Kernel(double[] row, double today, double[] pv, ulong[] eligible, ulong[] unknown, double[] amounts);

    private readonly Kernel[] _kernels;
    private readonly PolicyCatalog _catalog;
    public IReadOnlyList<Policy> Policies { get; }
    public DateOnly Date { get; }

    public FusedRowKernel(PolicyCatalog catalog, DateOnly date, Applicant kind, int chunkSize = 24)
    {
        _catalog = catalog;
        Date = date;
        Policies = catalog.Policies.Where(p => p.InForceOn(date) && (p.Applicant == kind ||
            (kind != Applicant.Person && p.Applicant != Applicant.Person))).ToList();
        _kernels = Policies.Chunk(chunkSize).Select(c => Compile([.. c])).ToArray();
    }

    private sealed class RowEmitter(ParameterHolder holder, ParameterExpression row, ParameterExpression today, ParameterExpression pv) : Emitter(holder)
    {
        public readonly Dictionary<Definition, ParameterExpression> Defs = [];
        public override E Today => today;
        public override E ParamSnapshot => pv;
        public override E Slot(int slot) => E.ArrayIndex(row, E.Constant(slot));
        public override E DefinitionValue(Definition d)
        {
            if (!Defs.TryGetValue(d, out var v)) Defs[d] = v = E.Variable(typeof(double), "def_" + d.Name);
            return v;
        }
    }

    private Kernel Compile(Policy[] chunk)
    {
        var row = E.Parameter(typeof(double[]), "row");
        var today = E.Parameter(typeof(double), "today");
        var pv = E.Parameter(typeof(double[]), "pv");
        var eligible = E.Parameter(typeof(ulong[]), "eligible");
        var unknown = E.Parameter(typeof(ulong[]), "unknown");
        var amounts = E.Parameter(typeof(double[]), "amounts");
        var em = new RowEmitter(_catalog.Parameters, row, today, pv);
        var amount = E.Variable(typeof(double), "amount");
        var min = typeof(Math).GetMethod("Min", [typeof(double), typeof(double)])!;
        var isNaN = typeof(double).GetMethod("IsNaN", [typeof(double)])!;

        var body = new List<E>();
        foreach (var p in chunk)
        {
            var t = E.Label($"t{p.Index}"); var f = E.Label($"f{p.Index}"); var u = E.Label($"u{p.Index}"); var done = E.Label($"d{p.Index}");
            var word = E.Constant(p.Index >> 6);
            var bit = E.Constant(1UL << (p.Index & 63));
            Bound cond = p.Conditions.Select(c => c.Body!).Aggregate((a, b) => new BBinary(a.Type, a.Pos, "and", a, b));
            body.Add(em.Test(cond, t, f, u));
            body.Add(E.Label(t));
            E value = em.Value(p.Amount.Body!);
            foreach (var cap in p.Caps) value = E.Call(min, value, em.Value(cap.Body));
            body.Add(E.Assign(amount, value));
            body.Add(E.IfThen(E.Call(isNaN, amount), E.Goto(u)));
            body.Add(E.OrAssign(E.ArrayAccess(eligible, word), bit));
            body.Add(E.Assign(E.ArrayAccess(amounts, E.Constant(p.Index)), amount));
            body.Add(E.Goto(done));
            body.Add(E.Label(u));
            body.Add(E.OrAssign(E.ArrayAccess(unknown, word), bit));
            body.Add(E.Label(f));
            body.Add(E.Label(done));
        }
        var used = new HashSet<Definition>();
        foreach (var p in chunk)
        {
            foreach (var c in p.Conditions) BoundWalk.CollectDefinitions(c.Body!, used);
            BoundWalk.CollectDefinitions(p.Amount.Body!, used);
            foreach (var c in p.Caps) BoundWalk.CollectDefinitions(c.Body, used);
        }
        var defInit = _catalog.Definitions.Where(used.Contains)
            .Select(d => (E)E.Assign((ParameterExpression)em.DefinitionValue(d), em.Value(d.Body!))).ToList();
        var block = E.Block(em.Defs.Values.Append(amount), defInit.Concat(body).Append(E.Empty()));
        return E.Lambda<Kernel>(block, row, today, pv, eligible, unknown, amounts).Compile();
    }

    /// <summary>Evaluates one profile row (fact slots; NaN = unknown) into the given buffers (cleared first).</summary>
    public void Evaluate(double[] row, ulong[] eligible, ulong[] unknown, double[] amounts)
    {
        Array.Clear(eligible); Array.Clear(unknown);
        double today = Date.DayNumber;
        var pv = _catalog.Parameters.Table.SnapshotAt(Date);
        foreach (var k in _kernels) k(row, today, pv, eligible, unknown, amounts);
    }
}
