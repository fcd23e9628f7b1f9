using TalentOne.Policies.Language;
using TalentOne.Policies.Schema;

namespace TalentOne.Policies.Catalog;

/// <summary>One dated value of a parameter: from this day on, <see cref="Default"/> for every key
/// and <see cref="ByKey"/> for the keys it names.</summary>
public sealed record ParameterValue(DateOnly From, double? Default, IReadOnlyDictionary<string, double> ByKey, string? Source, string Origin);

/// <summary>A parameter with values keyed by effective date (and optionally by an enum such as county).</summary>
public sealed class ParameterDef(string name, string title, string? unit, string? reference, EnumDef? key, SourcePos pos)
{
    public string Name { get; } = name;
    public string Title { get; } = title;
    public string? Unit { get; } = unit;
    public string? Reference { get; } = reference;
    public EnumDef? Key { get; } = key;
    public SourcePos Pos { get; } = pos;
    public List<ParameterValue> Values { get; } = [];
    /// <summary>Index of this parameter's first cell in a snapshot.</summary>
    public int Base { get; internal set; }
    /// <summary>Position in the table.</summary>
    public int Index { get; internal set; }
    public int Width => Key?.Members.Count ?? 1;

    /// <summary>The value in force on <paramref name="day"/> for key index <paramref name="key"/> (or NaN).</summary>
    public double ValueAt(int day, int key)
    {
        string? code = Key != null && key >= 0 ? Key.Members[key].Code : null;
        for (int i = Values.Count - 1; i >= 0; i--)
        {
            var v = Values[i];
            if (v.From.DayNumber > day) continue;
            if (code != null && v.ByKey.TryGetValue(code, out var kv)) return kv;
            if (v.Default is double d) return d;
        }
        return double.NaN;
    }
}

/// <summary>All parameters, with snapshots: an evaluation as of day D reads the snapshot in force on D.
/// Snapshots are built once per interval between value changes, so any date is a binary search away.</summary>
public sealed class ParameterTable
{
    private readonly int[] _changes;
    private readonly double[][] _snapshots;
    public IReadOnlyList<ParameterDef> Parameters { get; }
    public IReadOnlyDictionary<string, ParameterDef> ByName { get; }
    public int Width { get; }

    public ParameterTable(IEnumerable<ParameterDef> parameters)
    {
        Parameters = parameters.ToList();
        ByName = Parameters.ToDictionary(p => p.Name, StringComparer.Ordinal);
        int w = 0, i = 0;
        foreach (var p in Parameters)
        {
            p.Index = i++;
            // stable: of two values from the same day, the one added later (the database's) wins
            var sorted = p.Values.OrderBy(v => v.From).ToList();
            p.Values.Clear();
            p.Values.AddRange(sorted);
            p.Base = w;
            w += p.Width;
        }
        Width = w;
        _changes = Parameters.SelectMany(p => p.Values).Select(v => v.From.DayNumber).Distinct().Order().ToArray();
        _snapshots = new double[_changes.Length + 1][];
        for (int k = 0; k <= _changes.Length; k++)
        {
            int day = k == 0 ? int.MinValue : _changes[k - 1];
            var s = new double[Math.Max(Width, 1)];
            foreach (var p in Parameters)
                for (int key = 0; key < p.Width; key++) s[p.Base + key] = p.ValueAt(day, p.Key == null ? -1 : key);
            _snapshots[k] = s;
        }
    }

    /// <summary>The values in force on <paramref name="day"/> (shared: never modify it).</summary>
    public double[] SnapshotAt(int day)
    {
        int k = Array.BinarySearch(_changes, day);
        return _snapshots[k >= 0 ? k + 1 : ~k];
    }

    public double[] SnapshotAt(DateOnly date) => SnapshotAt(date.DayNumber);

    /// <summary>A copy of this table with one more value; the original is left untouched.</summary>
    public ParameterTable With(string name, ParameterValue value)
    {
        var copies = Parameters.Select(p =>
        {
            var c = new ParameterDef(p.Name, p.Title, p.Unit, p.Reference, p.Key, p.Pos);
            c.Values.AddRange(p.Values);
            if (p.Name == name) c.Values.Add(value);
            return c;
        });
        return new ParameterTable(copies);
    }
}
