using TalentOne.Policies.Language;

namespace TalentOne.Registry.Cases;

public enum FieldType { Text, Number, Date, Bool, Enum }

public sealed record FieldOption(string Code, string Label);

/// <summary>A typed form field of a service item. Its id is a profile fact path (so the registry can prefill it) or an
/// item-local id; the same id means the same field in every item, which is what lets forms merge.</summary>
public sealed record ItemField(string Id, string Label, FieldType Type, bool Required, IReadOnlyList<FieldOption> Options,
    double? Min, double? Max, IReadOnlyList<string> Patterns, int? MaxLength, bool FromProfile, SourcePos Pos)
{
    public string TypeName => Type.ToString().ToLowerInvariant();
}

/// <summary>A material an item asks for. The id is shared across items (身份证, 学历证书 …): "once-only" submission.
/// A core material (核心材料) decides the case and must be there at acceptance; a required non-core one must be handed in
/// too, but may be deferred (容缺受理) where the item allows it; any other material is optional.</summary>
public sealed record ItemMaterial(string Id, string Name, bool Core, bool WaivableByCommitment, bool Deferrable,
    IReadOnlyList<string> Accept, int? MaxSizeMb, SourcePos Pos)
{
    /// <summary>A non-core material that must still be handed in (or deferred, or promised where allowed).</summary>
    public bool Required { get; init; }

    /// <summary>Core materials are always required.</summary>
    public bool MustHand => Core || Required;

    /// <summary>A material that is the result of another item ("前一个办事结果是后一个办事材料").</summary>
    public bool IsResult => Id.StartsWith("result:", StringComparison.Ordinal);
}

public sealed record ItemSource(string Document, string? Article, string? Quote);

/// <summary>A step (环节) of an item's handling with its own limit in working days; see <see cref="ItemSteps"/>.</summary>
public sealed record ItemStep(string Name, int LimitWorkingDays);

/// <summary>The two steps a task goes through in its department: the first (受理认领) runs from reaching the department
/// to being claimed by a reviewer, the second (审查办结) from the claim to the decision. Those are the two moments the
/// workflow records, so an item names exactly two steps. See docs/supervision.md.</summary>
public static class ItemSteps
{
    public const string Accept = "受理认领", Review = "审查办结";

    /// <summary>Without `steps:` in the item file: one working day to claim, the rest of the item's limit to decide.</summary>
    public static IReadOnlyList<ItemStep> Default(int limitWorkingDays)
    {
        var first = Math.Min(1, Math.Max(0, limitWorkingDays));
        return [new ItemStep(Accept, first), new ItemStep(Review, Math.Max(0, limitWorkingDays - first))];
    }
}

/// <summary>A service item (事项): one department's procedure with its legal time limit, materials and form.</summary>
public sealed class ServiceItem
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string City { get; init; }
    public string? County { get; init; }
    public required string DepartmentKind { get; init; }
    public string DepartmentId => City + "." + DepartmentKind;
    public required string DepartmentName { get; init; }
    /// <summary>"person" or "enterprise": who applies.</summary>
    public required string Applicant { get; init; }
    public required int LimitWorkingDays { get; init; }
    /// <summary>The steps (环节) with their own limits: the item file's `steps:` or <see cref="ItemSteps.Default"/>.</summary>
    public IReadOnlyList<ItemStep> Steps { get; init; } = [];
    public required IReadOnlyList<ItemMaterial> Materials { get; init; }
    public required IReadOnlyList<ItemField> Fields { get; init; }
    public required IReadOnlyList<string> Prerequisites { get; init; }
    public required IReadOnlyList<string> PaysOut { get; init; }
    public required ItemSource Source { get; init; }
    /// <summary>True when the seed does not give the limit, materials or fields and they are a reasonable assumption.</summary>
    public bool Assumed { get; init; }
    public string? Note { get; init; }
    public required SourcePos Pos { get; init; }
}

/// <summary>Figures of the old, per-department way and of the bundle, as the source states them (null when not stated).</summary>
public sealed record BundleFigures(int? Forms, int? Fields, int? Materials, int? WorkingDays, int? Departments, int? Items);

public sealed record BundleGroup(string Name, string? Kind, IReadOnlyList<string> Items);

/// <summary>A bundle (一件事): a named set of items in their order, with the figures its source reports.</summary>
public sealed class Bundle
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string City { get; init; }
    public string? County { get; init; }
    public required ItemSource Source { get; init; }
    public required IReadOnlyList<string> Items { get; init; }
    public required IReadOnlyList<BundleGroup> Groups { get; init; }
    public BundleFigures? Before { get; init; }
    public BundleFigures? After { get; init; }
    public string? Note { get; init; }
    public required SourcePos Pos { get; init; }
}
