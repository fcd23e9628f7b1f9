using System.Linq.Expressions;
using TalentOne.Policies.Catalog;
using TalentOne.Policies.Language;
using TalentOne.Policies.Schema;
using E = System.Linq.Expressions.Expression;

namespace TalentOne.Policies.Batch;

/// <summary>A population as columns, one per profile slot: yes/no, enum and set-member slots as bytes (255 =
/// unknown), numbers and dates as doubles (NaN = unknown); null for slots nobody filled (read as unknown).</summary>
public sealed class PopulationColumns
{
    public const byte UnknownByte = 255;
    private readonly IReadOnlyList<bool> _byteSlots;
    public int Count { get; }
    /// <summary>Per slot a <c>byte[]</c> or a <c>double[]</c> (see <see cref="IsByteSlot"/>), or null.</summary>
    public Array?[] Slots { get; }

    public PopulationColumns(int count, ProfileSchema schema)
    {
        Count = count;
        _byteSlots = schema.ByteSlots;
        Slots = new Array?[schema.SlotCount];
    }

    public bool IsByteSlot(int slot) => _byteSlots[slot];

    /// <summary>The column of a slot, allocated (all unknown) on first use.</summary>
    public Array Column(int slot) => Slots[slot] ??= NewUnknown(Count, IsByteSlot(slot));

    /// <summary>A column of <paramref name="n"/> unknown values in the given storage.</summary>
    public static Array NewUnknown(int n, bool bytes)
    {
        if (bytes) { var b = new byte[n]; Array.Fill(b, UnknownByte); return b; }
        var d = new double[n];
        Array.Fill(d, double.NaN);
        return d;
    }

    /// <summary>Sets person <paramref name="i"/>'s value of a slot (NaN = unknown).</summary>
    public void Set(int slot, int i, double value)
    {
        var c = Column(slot);
        if (c is byte[] b) b[i] = double.IsNaN(value) ? UnknownByte : (byte)value;
        else ((double[])c)[i] = value;
    }

    public double Get(int slot, int i) => Slots[slot] switch
    {
        byte[] b => b[i] == UnknownByte ? double.NaN : b[i],
        double[] d => d[i],
        _ => double.NaN,
    };

    /// <summary>Bytes held by the columns.</summary>
    public long Bytes => Slots.Where(c => c != null).Distinct().Sum(c => c is byte[] ? (long)c!.Length : 8L * c!.Length);

    public static PopulationColumns FromRows(PolicyCatalog catalog, IReadOnlyList<double[]> rows)
    {
        var cols = new PopulationColumns(rows.Count, catalog.Schema);
        foreach (var slot in SweepPlan.UsedSlots(catalog))
            for (int i = 0; i < rows.Count; i++) cols.Set(slot, i, rows[i][slot]);
        return cols;
    }
}

/// <summary>What a sweep computes for every person: eligibility and unknown bit masks (row-major, <see cref="Words"/>
/// words per person, bit = policy index), the counted total per person, and per-policy counts and sums.</summary>
public sealed class SweepResult(int count, int policies)
{
    public int Count { get; } = count;
    public int Words { get; } = (policies + 63) / 64;
    public ulong[] Eligible { get; } = new ulong[(long)count * ((policies + 63) / 64)];
    public ulong[] Unknown { get; } = new ulong[(long)count * ((policies + 63) / 64)];
    public double[] Total { get; } = new double[count];
    public long[] EligibleCount { get; } = new long[policies];
    public double[] AmountSum { get; } = new double[policies];

    public bool IsEligible(int person, int policy) => (Eligible[(long)person * Words + (policy >> 6)] & (1UL << (policy & 63))) != 0;
    public bool IsUnknown(int person, int policy) => (Unknown[(long)person * Words + (policy >> 6)] & (1UL << (policy & 63))) != 0;
}

/// <summary>The batch path: the catalog compiled, for one date and one kind of applicant, into loops over columns.
/// Policies are compiled in chunks (a 就高不重复 group always within one chunk) so that each loop stays small
/// enough for the JIT to optimise fully; partitions of the population run in parallel.</summary>
public sealed class SweepPlan
{
    private delegate void Kernel(Array?[] cols, int start, int end, double today, double[] pv,
        ulong[] eligible, ulong[] unknown, double[] total, long[] counts, double[] sums);

    private delegate void RowKernel(double[] row, double today, double[] pv, ulong[] eligible, ulong[] unknown, double[] total, double[] amounts);

    private readonly PolicyCatalog _catalog;
    private readonly Kernel[] _kernels;
    private readonly List<List<Policy>> _chunks;
    private RowKernel[]? _rowKernels;
    private readonly int _words;
    public DateOnly Date { get; }
    public IReadOnlyList<Policy> Policies { get; }
    public TimeSpan CompileTime { get; }

    public const int ChunkSize = 24;

    public SweepPlan(PolicyCatalog catalog, DateOnly date, Applicant kind)
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        _catalog = catalog;
        Date = date;
        _words = (catalog.Policies.Count + 63) / 64;
        Policies = catalog.Policies.Where(p => p.InForceOn(date) && (p.Applicant == kind ||
            (kind != Applicant.Person && p.Applicant != Applicant.Person))).ToList();
        // chunks: whole groups stay together
        // policies of the same place sit together, so that one place test can skip all of them (see Compile)
        var units = Policies.GroupBy(p => p.Group?.Id ?? "#" + p.Id).Select(g => g.ToList())
            .OrderBy(u => PlaceOf(u[0])?.Source ?? "", StringComparer.Ordinal).ToList();
        var chunks = new List<List<Policy>>();
        var current = new List<Policy>();
        foreach (var u in units)
        {
            if (current.Count > 0 && current.Count + u.Count > ChunkSize) { chunks.Add(current); current = []; }
            current.AddRange(u);
        }
        if (current.Count > 0) chunks.Add(current);
        _kernels = chunks.Select(c => (Kernel)Compile(c, rowMode: false)).ToArray();
        _chunks = chunks;
        CompileTime = sw.Elapsed;
    }

    private static Clause? PlaceOf(Policy p) => p.Conditions.Count > 0 && p.Conditions[0].Automatic ? p.Conditions[0] : null;

    private static HashSet<Definition> PolicyDefinitions(Policy p)
    {
        var defs = new HashSet<Definition>();
        foreach (var c in p.Conditions) BoundWalk.CollectDefinitions(c.Body!, defs);
        BoundWalk.CollectDefinitions(p.Amount.Body!, defs);
        foreach (var c in p.Caps) BoundWalk.CollectDefinitions(c.Body, defs);
        return defs;
    }

    /// <summary>Slots read by any policy or definition of the catalog.</summary>
    public static IReadOnlyList<int> UsedSlots(PolicyCatalog catalog)
    {
        var slots = new SortedSet<int>();
        void Walk(Bound b)
        {
            switch (b)
            {
                case BFact f: slots.Add(f.Fact.Slot); break;
                case BSetMember s: slots.Add(s.Fact.Slot + s.Member.Index); break;
            }
            foreach (var c in BoundWalk.Children(b)) Walk(c);
        }
        foreach (var d in catalog.Definitions) if (d.Body != null) Walk(d.Body);
        foreach (var p in catalog.Policies)
        {
            foreach (var c in p.Conditions) if (c.Body != null) Walk(c.Body);
            if (p.Amount.Body != null) Walk(p.Amount.Body);
            foreach (var c in p.Caps) Walk(c.Body);
        }
        return slots.ToList();
    }

    private sealed class ColumnEmitter(ParameterHolder holder, ParameterExpression i,
        ParameterExpression today, ParameterExpression pv, IReadOnlyList<bool> byteSlots, ParameterExpression? row = null) : Emitter(holder)
    {
        private static readonly System.Reflection.MethodInfo FromByte = typeof(Builtins).GetMethod(nameof(Builtins.FromByte))!;
        public readonly Dictionary<int, ParameterExpression> Columns = [];
        public readonly Dictionary<Definition, ParameterExpression> Defs = [];
        public override E Today => today;
        public override E ParamSnapshot => pv;
        public override E Slot(int slot)
        {
            if (row != null) return E.ArrayIndex(row, E.Constant(slot));
            if (!Columns.TryGetValue(slot, out var v)) Columns[slot] = v = E.Variable(byteSlots[slot] ? typeof(byte[]) : typeof(double[]), $"col{slot}");
            return byteSlots[slot] ? E.Call(FromByte, E.ArrayIndex(v, i)) : E.ArrayIndex(v, i);
        }
        public override E DefinitionValue(Definition d)
        {
            if (!Defs.TryGetValue(d, out var v)) Defs[d] = v = E.Variable(typeof(double), "def_" + d.Name);
            return v;
        }
    }

    /// <summary>Compiles a chunk into a loop over columns, or (row mode) into the same code for one profile row,
    /// which also writes each eligible policy's amount.</summary>
    private Delegate Compile(List<Policy> chunk, bool rowMode)
    {
        var rowParam = E.Parameter(typeof(double[]), "row");
        var amounts = E.Parameter(typeof(double[]), "amounts");
        var cols = E.Parameter(typeof(Array?[]), "cols");
        var start = E.Parameter(typeof(int), "start");
        var end = E.Parameter(typeof(int), "end");
        var today = E.Parameter(typeof(double), "today");
        var pv = E.Parameter(typeof(double[]), "pv");
        var eligible = E.Parameter(typeof(ulong[]), "eligible");
        var unknown = E.Parameter(typeof(ulong[]), "unknown");
        var total = E.Parameter(typeof(double[]), "total");
        var counts = E.Parameter(typeof(long[]), "counts");
        var sums = E.Parameter(typeof(double[]), "sums");
        var i = E.Variable(typeof(int), "i");
        var em = new ColumnEmitter(_catalog.Parameters, i, today, pv, _catalog.Schema.ByteSlots, rowMode ? rowParam : null);

        var words = chunk.Select(p => p.Index >> 6).Distinct().ToList();
        var eWord = words.ToDictionary(w => w, w => E.Variable(typeof(ulong), $"e{w}"));
        var uWord = words.ToDictionary(w => w, w => E.Variable(typeof(ulong), $"u{w}"));
        var personTotal = E.Variable(typeof(double), "personTotal");
        var amount = E.Variable(typeof(double), "amount");
        var cnt = chunk.ToDictionary(p => p, p => E.Variable(typeof(long), $"n{p.Index}"));
        var sum = chunk.ToDictionary(p => p, p => E.Variable(typeof(double), $"s{p.Index}"));
        var groups = chunk.Where(p => p.Group != null).Select(p => p.Group!.Id).Distinct().ToDictionary(g => g, g => E.Variable(typeof(double), "g_" + g.Replace('.', '_')));

        var perPerson = new List<E>();
        foreach (var w in words) { perPerson.Add(E.Assign(eWord[w], E.Constant(0UL))); perPerson.Add(E.Assign(uWord[w], E.Constant(0UL))); }
        perPerson.Add(E.Assign(personTotal, E.Constant(0.0)));
        foreach (var g in groups.Values) perPerson.Add(E.Assign(g, E.Constant(double.NegativeInfinity)));

        LabelTarget? skipRun = null;
        for (int k = 0; k < chunk.Count; k++)
        {
            var p = chunk[k];
            // A run of policies with the same place condition: a person of another place skips the whole run
            // (an unknown place runs it, so that "unknown" is still reported per policy).
            var place = PlaceOf(p);
            if (skipRun == null && place != null && k + 1 < chunk.Count && PlaceOf(chunk[k + 1])?.Source == place.Source)
            {
                var runIn = E.Label($"run{p.Index}");
                skipRun = E.Label($"skip{p.Index}");
                perPerson.Add(em.Test(place.Body!, runIn, skipRun, runIn));
                perPerson.Add(E.Label(runIn));
            }
            var t = E.Label($"t{p.Index}"); var f = E.Label($"f{p.Index}"); var u = E.Label($"u{p.Index}"); var done = E.Label($"d{p.Index}");
            var bit = E.Constant(1UL << (p.Index & 63));
            Bound cond = p.Conditions.Select(c => c.Body!).Aggregate((a, b) => new BBinary(a.Type, a.Pos, "and", a, b));
            perPerson.Add(em.Test(cond, t, f, u));
            perPerson.Add(E.Label(t));
            E value = em.Value(p.Amount.Body!);
            foreach (var cap in p.Caps) value = E.Call(typeof(Math).GetMethod("Min", [typeof(double), typeof(double)])!, value, em.Value(cap.Body));
            perPerson.Add(E.Assign(amount, value));
            perPerson.Add(E.IfThen(E.Call(typeof(double).GetMethod("IsNaN", [typeof(double)])!, amount), E.Goto(u)));
            perPerson.Add(E.OrAssign(eWord[p.Index >> 6], bit));
            if (rowMode) perPerson.Add(E.Assign(E.ArrayAccess(amounts, E.Constant(p.Index)), amount));
            else
            {
                perPerson.Add(E.PreIncrementAssign(cnt[p]));
                perPerson.Add(E.AddAssign(sum[p], amount));
            }
            if (p.Amount.Unit == "元")
            {
                var periods = E.Constant((double)(p.Amount.Periods ?? 1));
                E grant = p.Amount.Periods is > 1 ? E.Multiply(amount, periods) : amount;
                perPerson.Add(p.Group != null
                    ? E.Assign(groups[p.Group.Id], E.Call(typeof(Math).GetMethod("Max", [typeof(double), typeof(double)])!, groups[p.Group.Id], grant))
                    : E.AddAssign(personTotal, grant));
            }
            perPerson.Add(E.Goto(done));
            perPerson.Add(E.Label(u));
            perPerson.Add(E.OrAssign(uWord[p.Index >> 6], bit));
            perPerson.Add(E.Label(f));
            perPerson.Add(E.Label(done));
            if (skipRun != null && (k + 1 == chunk.Count || PlaceOf(chunk[k + 1])?.Source != place?.Source))
            {
                perPerson.Add(E.Label(skipRun));
                skipRun = null;
            }
        }
        foreach (var g in groups.Values)
            perPerson.Add(E.IfThen(E.GreaterThan(g, E.Constant(double.NegativeInfinity)), E.AddAssign(personTotal, g)));
        foreach (var w in words)
        {
            var idx = E.Add(E.Multiply(i, E.Constant(_words)), E.Constant(w));
            perPerson.Add(E.OrAssign(E.ArrayAccess(eligible, idx), eWord[w]));
            perPerson.Add(E.OrAssign(E.ArrayAccess(unknown, idx), uWord[w]));
        }
        perPerson.Add(E.AddAssign(E.ArrayAccess(total, i), personTotal));

        // definitions used by this chunk, in dependency order, computed once per person
        var used = new HashSet<Definition>();
        foreach (var p in chunk)
        {
            foreach (var c in p.Conditions) BoundWalk.CollectDefinitions(c.Body!, used);
            BoundWalk.CollectDefinitions(p.Amount.Body!, used);
            foreach (var c in p.Caps) BoundWalk.CollectDefinitions(c.Body, used);
        }
        var defInit = new List<E>();
        foreach (var d in _catalog.Definitions.Where(used.Contains))
        {
            var target = (ParameterExpression)em.DefinitionValue(d);
            // A definition read only by policies of one place (e.g. Quzhou's tiers) is computed only for people of
            // that place; for everyone else those policies stop at their place condition and never read it.
            var readers = chunk.Where(p => PolicyDefinitions(p).Contains(d)).ToList();
            var place = readers.Select(p => p.Conditions.FirstOrDefault(c => c.Automatic)).ToList();
            if (readers.Count > 0 && place.All(c => c != null && c.Source == place[0]!.Source))
            {
                var yes = E.Label("def_yes_" + d.Name); var no = E.Label("def_no_" + d.Name); var over = E.Label("def_end_" + d.Name);
                defInit.Add(E.Block(
                    em.Test(place[0]!.Body!, yes, no, yes),
                    E.Label(yes), E.Assign(target, em.Value(d.Body!)), E.Goto(over),
                    E.Label(no), E.Assign(target, E.Constant(double.NaN)),
                    E.Label(over)));
            }
            else defInit.Add(E.Assign(target, em.Value(d.Body!)));
        }

        if (rowMode)
        {
            var rowLocals = em.Defs.Values.Concat(eWord.Values).Concat(uWord.Values).Concat(groups.Values).Append(i).Append(personTotal).Append(amount);
            var rowBody = new List<E> { E.Assign(i, E.Constant(0)) };
            rowBody.AddRange(defInit);
            rowBody.AddRange(perPerson);
            return E.Lambda<RowKernel>(E.Block(rowLocals, rowBody), rowParam, today, pv, eligible, unknown, total, amounts).Compile();
        }

        var brk = E.Label("break");
        var loop = E.Block(
            E.Assign(i, start),
            E.Loop(E.IfThenElse(E.LessThan(i, end),
                E.Block(defInit.Concat(perPerson).Append(E.PostIncrementAssign(i))),
                E.Break(brk)), brk));

        var body = new List<E>();
        foreach (var (slot, v) in em.Columns)
            body.Add(E.Assign(v, E.Convert(E.ArrayIndex(cols, E.Constant(slot)), v.Type)));
        foreach (var p in chunk) { body.Add(E.Assign(cnt[p], E.Constant(0L))); body.Add(E.Assign(sum[p], E.Constant(0.0))); }
        body.Add(loop);
        foreach (var p in chunk)
        {
            body.Add(E.AddAssign(E.ArrayAccess(counts, E.Constant(p.Index)), cnt[p]));
            body.Add(E.AddAssign(E.ArrayAccess(sums, E.Constant(p.Index)), sum[p]));
        }
        var locals = em.Columns.Values.Concat(em.Defs.Values).Concat(eWord.Values).Concat(uWord.Values)
            .Concat(cnt.Values).Concat(sum.Values).Concat(groups.Values).Append(i).Append(personTotal).Append(amount);
        var lambda = E.Lambda<Kernel>(E.Block(locals, body), cols, start, end, today, pv, eligible, unknown, total, counts, sums);
        return lambda.Compile();
    }

    /// <summary>Evaluates every person of <paramref name="population"/>; columns missing from it are unknown.</summary>
    public SweepResult Run(PopulationColumns population, int degreeOfParallelism = 0)
    {
        var result = new SweepResult(population.Count, _catalog.Policies.Count);
        Run(population, result, degreeOfParallelism);
        return result;
    }

    /// <summary>Runs into an existing result (cleared first), so repeated sweeps allocate nothing.</summary>
    public void Run(PopulationColumns population, SweepResult result, int degreeOfParallelism = 0)
    {
        Array.Clear(result.Eligible); Array.Clear(result.Unknown); Array.Clear(result.Total);
        Array.Clear(result.EligibleCount); Array.Clear(result.AmountSum);
        int n = population.Count;
        var cols = population.Slots;
        if (MissingSlots(cols))
        {
            // a missing column reads as unknown for every person: one shared all-unknown column of each storage type,
            // the caller's population untouched
            Array? unknownBytes = null, unknownDoubles = null;
            cols = (Array?[])cols.Clone();
            foreach (var s in UsedSlotSet)
                if (cols[s] == null)
                    cols[s] = population.IsByteSlot(s)
                        ? unknownBytes ??= PopulationColumns.NewUnknown(n, true)
                        : unknownDoubles ??= PopulationColumns.NewUnknown(n, false);
        }
        double today = Date.DayNumber;
        var pv = _catalog.Parameters.Table.SnapshotAt(Date);
        int dop = degreeOfParallelism > 0 ? degreeOfParallelism : Environment.ProcessorCount;
        if (dop == 1 || n < 4096)
        {
            foreach (var k in _kernels) k(cols, 0, n, today, pv, result.Eligible, result.Unknown, result.Total, result.EligibleCount, result.AmountSum);
            return;
        }
        int parts = dop * 4;
        var counts = new long[parts][];
        var sums = new double[parts][];
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = dop }, part =>
        {
            int s = (int)((long)n * part / parts), e = (int)((long)n * (part + 1) / parts);
            counts[part] = new long[result.EligibleCount.Length];
            sums[part] = new double[result.AmountSum.Length];
            foreach (var k in _kernels) k(cols, s, e, today, pv, result.Eligible, result.Unknown, result.Total, counts[part], sums[part]);
        });
        for (int part = 0; part < parts; part++)
            for (int p = 0; p < result.EligibleCount.Length; p++) { result.EligibleCount[p] += counts[part][p]; result.AmountSum[p] += sums[part][p]; }
    }

    private HashSet<int>? _usedSlots;
    private HashSet<int> UsedSlotSet => _usedSlots ??= UsedSlots(_catalog).ToHashSet();

    private bool MissingSlots(Array?[] cols)
    {
        foreach (var s in UsedSlotSet) if (cols[s] == null) return true;
        return false;
    }

    /// <summary>One profile through the batch path's compiled code: which policies apply (and which are unknown),
    /// each eligible policy's amount and the counted total — no explanations. For explanations use Evaluator.</summary>
    public Decision Decide(double[] row)
    {
        var d = new Decision(_words, _catalog.Policies.Count);
        Decide(row, d);
        return d;
    }

    /// <summary>Decides into an existing <see cref="Decision"/> (cleared first), allocating nothing.</summary>
    public void Decide(double[] row, Decision d)
    {
        Array.Clear(d.Eligible); Array.Clear(d.Unknown); d.TotalCell[0] = 0;
        double today = Date.DayNumber;
        var pv = _catalog.Parameters.Table.SnapshotAt(Date);
        // compiled on first use: a population sweep never needs the row kernels
        var kernels = _rowKernels ??= _chunks.Select(c => (RowKernel)Compile(c, rowMode: true)).ToArray();
        foreach (var k in kernels) k(row, today, pv, d.Eligible, d.Unknown, d.TotalCell, d.Amounts);
    }
}

/// <summary>The batch path's answer for one profile: bit masks by policy index, amounts of the eligible ones, and the total.</summary>
public sealed class Decision(int words, int policies)
{
    public ulong[] Eligible { get; } = new ulong[words];
    public ulong[] Unknown { get; } = new ulong[words];
    /// <summary>Amount per policy index; meaningful only where <see cref="IsEligible"/>.</summary>
    public double[] Amounts { get; } = new double[policies];
    internal double[] TotalCell { get; } = new double[1];
    public double Total => TotalCell[0];
    public bool IsEligible(int policy) => (Eligible[policy >> 6] & (1UL << (policy & 63))) != 0;
    public bool IsUnknown(int policy) => (Unknown[policy >> 6] & (1UL << (policy & 63))) != 0;
}
