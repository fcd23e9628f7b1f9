namespace TalentOne.Policies.Schema;

public enum BaseType { Number, Bool, Date, Enum, Set }

/// <summary>The type of an expression or fact.</summary>
public sealed record ValueType(BaseType Base, EnumDef? Enum = null)
{
    public static readonly ValueType Number = new(BaseType.Number);
    public static readonly ValueType Bool = new(BaseType.Bool);
    public static readonly ValueType Date = new(BaseType.Date);

    public override string ToString() => Base switch
    {
        BaseType.Enum => $"enum:{Enum!.Name}",
        BaseType.Set => $"set:{Enum!.Name}",
        _ => Base.ToString().ToLowerInvariant(),
    };

    public string ChineseName => Base switch
    {
        BaseType.Number => "数值",
        BaseType.Bool => "是/否",
        BaseType.Date => "日期",
        BaseType.Enum => Enum!.Title,
        BaseType.Set => Enum!.Title + "（可多选）",
        _ => Base.ToString(),
    };
}

public sealed record EnumMember(string Code, string Label, int Index, string? Parent);

/// <summary>An enumeration (学历, 职称, 县（市、区）…); ordered ones compare by declaration order.</summary>
public sealed class EnumDef(string name, string title, bool ordered)
{
    public string Name { get; } = name;
    public string Title { get; } = title;
    public bool Ordered { get; } = ordered;
    public List<EnumMember> Members { get; } = [];
    private readonly Dictionary<string, EnumMember> _byCode = new(StringComparer.Ordinal);

    public EnumMember? Find(string code) => _byCode.GetValueOrDefault(code);

    public EnumMember Add(string code, string label, string? parent)
    {
        var m = new EnumMember(code, label, Members.Count, parent);
        Members.Add(m);
        _byCode[code] = m;
        return m;
    }

    public string LabelOf(double code) =>
        double.IsNaN(code) || code < 0 || code >= Members.Count ? "未知" : Members[(int)code].Label;
}

/// <summary>A named set of enum members, e.g. 山区26县.</summary>
public sealed record SetDef(string Name, string Title, EnumDef Of, IReadOnlySet<string> Members, string? Source, string? Quote);

/// <summary>A fact of the profile: a dotted path, a type and a Chinese label.</summary>
public sealed record FactDef(string Path, ValueType Type, string Label, string? Unit, double? Min, double? Max)
{
    /// <summary>False for facts conferred by others (honours, certified categories, awards): a policy that fails
    /// only on such a fact is not suggested as "nearly eligible".</summary>
    public bool Suggest { get; init; } = true;

    /// <summary>First slot in a profile row; a set fact has one slot per member.</summary>
    public int Slot { get; internal set; }
    public int SlotCount => Type.Base == BaseType.Set ? Type.Enum!.Members.Count : 1;
}

/// <summary>All facts, enums and sets; assigns every fact its slots in a profile row.</summary>
public sealed class ProfileSchema
{
    public Dictionary<string, EnumDef> Enums { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, SetDef> Sets { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, FactDef> Facts { get; } = new(StringComparer.Ordinal);
    public List<FactDef> FactList { get; } = [];
    public int SlotCount { get; private set; }

    /// <summary>Fact paths grouped by their section (person, education, …) in declaration order.</summary>
    public IEnumerable<IGrouping<string, FactDef>> Sections => FactList.GroupBy(f => f.Path[..f.Path.IndexOf('.')]);

    /// <summary>The profile's sections (person, education, …).</summary>
    public IReadOnlySet<string> SectionNames { get; private set; } = new HashSet<string>();

    /// <summary>Per slot: true when its values are small codes (yes/no, an enum member, a set member) that a
    /// population column stores in one byte (255 = unknown) rather than a double.</summary>
    public IReadOnlyList<bool> ByteSlots { get; private set; } = [];

    internal void AssignSlots()
    {
        SectionNames = FactList.Select(f => f.Path[..f.Path.IndexOf('.')]).ToHashSet(StringComparer.Ordinal);
        int s = 0;
        var bytes = new List<bool>();
        foreach (var f in FactList)
        {
            f.Slot = s;
            s += f.SlotCount;
            bool small = f.Type.Base is BaseType.Bool or BaseType.Set || (f.Type.Base == BaseType.Enum && f.Type.Enum!.Members.Count < 255);
            for (int k = 0; k < f.SlotCount; k++) bytes.Add(small);
        }
        SlotCount = s;
        ByteSlots = bytes;
    }
}
