using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using TalentOne.Policies.Evaluation;
using TalentOne.Policies.Profiles;

namespace TalentOne.Registry.Cases;

/// <summary>An item the applicant did not pick but that pays out a policy they are eligible for (原文“未勾选但符合办理条件的事项”).</summary>
public sealed record Suggestion(ServiceItem Item, IReadOnlyList<string> Reasons);

/// <summary>One field of the combined form: the union of the same field over the chosen items, with the stricter rules.</summary>
public sealed record MergedField(ItemField Field, IReadOnlyList<string> Items, JsonNode? Prefill);

/// <summary>One material of the once-only list: core (or required) if any item says so; 容缺 and 承诺免提交 only if every
/// item allows it.</summary>
public sealed record MergedMaterial(ItemMaterial Material, IReadOnlyList<string> Items);

public sealed record FormCounts(int Forms, int Fields, int MergedFields, int Materials, int MergedMaterials)
{
    /// <summary>"12 张表 · 64 项 → 1 张表 · 19 项".</summary>
    public string Text => $"{Forms} 张表 · {Fields} 项 → 1 张表 · {MergedFields} 项";
    public string MaterialsText => $"{Materials} 份材料 → {MergedMaterials} 份";
}

public sealed record CombinedForm(IReadOnlyList<MergedField> Fields, IReadOnlyList<MergedMaterial> Materials, FormCounts Counts);

/// <summary>The chosen items, the prerequisites added to them (with the item that needs each), suggestions, the combined
/// form and the routing levels: the items of one level have no pending prerequisite and go to their departments in
/// parallel (并联); the levels follow each other (串联).</summary>
public sealed record Selection(Bundle Bundle, IReadOnlyList<ServiceItem> Chosen, IReadOnlyList<(ServiceItem Item, string NeededBy)> Added,
    IReadOnlyList<Suggestion> Suggestions, CombinedForm Form, IReadOnlyList<IReadOnlyList<ServiceItem>> Levels)
{
    public IEnumerable<ServiceItem> Items => Chosen.Concat(Added.Select(a => a.Item));
    /// <summary>The longest path of legal time limits through the levels (each level takes its slowest item).</summary>
    public int SerialWorkingDays => Levels.Sum(l => l.Max(i => i.LimitWorkingDays));
    public int SumWorkingDays => Items.Sum(i => i.LimitWorkingDays);
}

/// <summary>A planning request that cannot be served; messages are Chinese, keyed by field.</summary>
public sealed class PlanException(IReadOnlyList<ProfileError> errors) : Exception(string.Join("; ", errors.Select(e => e.Field + ": " + e.Message)))
{
    public IReadOnlyList<ProfileError> Errors { get; } = errors;
}

public static class BundlePlanner
{
    /// <summary>Plans the chosen items of a bundle for an applicant (profile JSON optional: without it no suggestions, no prefill).</summary>
    public static Selection Plan(ItemCatalog catalog, Bundle bundle, IReadOnlyList<string> chosenIds, string? profileJson, DateOnly date)
    {
        var errors = new List<ProfileError>();
        if (chosenIds.Count == 0) errors.Add(new("items", "请至少勾选一个事项"));
        foreach (var id in chosenIds.Distinct().Where(i => !bundle.Items.Contains(i)))
            errors.Add(new("items", $"事项“{id}”不属于“{bundle.Name}”"));
        if (errors.Count > 0) throw new PlanException(errors);
        var chosen = chosenIds.Distinct().Select(i => catalog.ItemById[i]).ToList();
        var added = AddPrerequisites(catalog, chosen);
        var all = chosen.Concat(added.Select(a => a.Item)).ToList();

        JsonObject? profile = null;
        var suggestions = new List<Suggestion>();
        if (!string.IsNullOrWhiteSpace(profileJson))
        {
            try { profile = JsonNode.Parse(profileJson) as JsonObject; }
            catch (JsonException) { throw new PlanException([new("profile", "档案不是有效的 JSON")]); }
            var package = Evaluator.Evaluate(catalog.Policies, profileJson, date); // throws ProfileException with Chinese messages
            var byPolicy = package.Results.ToDictionary(r => r.Policy.Id, StringComparer.Ordinal);
            var inPlan = all.Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
            foreach (var item in bundle.Items.Select(i => catalog.ItemById[i]).Where(i => !inPlan.Contains(i.Id)))
            {
                var reasons = item.PaysOut.Select(p => byPolicy.GetValueOrDefault(p)).Where(r => r is { Outcome: Outcome.Eligible })
                    .Select(r => $"您符合“{r!.Policy.Title}”的条件（{r.Policy.Document.Number} {r.Policy.Article}）").ToList();
                if (reasons.Count > 0) suggestions.Add(new Suggestion(item, reasons));
            }
        }
        var levels = Levels(all);
        // the form lists fields in routing order: what is asked first is what the first departments need
        return new Selection(bundle, chosen, added, suggestions, Combine(levels.SelectMany(l => l).ToList(), profile), levels);
    }

    /// <summary>The prerequisites of the chosen items not chosen themselves, transitively, each with the item that needs it.</summary>
    public static List<(ServiceItem Item, string NeededBy)> AddPrerequisites(ItemCatalog catalog, IReadOnlyList<ServiceItem> chosen)
    {
        var have = chosen.Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
        var added = new List<(ServiceItem, string)>();
        var queue = new Queue<ServiceItem>(chosen);
        while (queue.TryDequeue(out var item))
            foreach (var p in item.Prerequisites)
                if (have.Add(p))
                {
                    var pre = catalog.ItemById[p];
                    added.Add((pre, item.Id));
                    queue.Enqueue(pre);
                }
        return added;
    }

    /// <summary>Routing levels of a prerequisite-closed set of items (Kahn's algorithm, in the given order within a level).</summary>
    public static List<IReadOnlyList<ServiceItem>> Levels(IReadOnlyList<ServiceItem> items)
    {
        var ids = items.Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
        var done = new HashSet<string>(StringComparer.Ordinal);
        var levels = new List<IReadOnlyList<ServiceItem>>();
        var left = items.ToList();
        while (left.Count > 0)
        {
            var ready = left.Where(i => i.Prerequisites.Where(ids.Contains).All(done.Contains)).ToList();
            if (ready.Count == 0) throw new InvalidOperationException("prerequisite cycle among " + string.Join(", ", left.Select(i => i.Id)));
            levels.Add(ready);
            foreach (var r in ready) { done.Add(r.Id); left.Remove(r); }
        }
        return levels;
    }

    /// <summary>The union of the items' fields and materials, merged by id.</summary>
    public static CombinedForm Combine(IReadOnlyList<ServiceItem> items, JsonObject? profile)
    {
        var fields = new List<MergedField>();
        foreach (var group in items.SelectMany(i => i.Fields.Select(f => (Item: i.Id, Field: f))).GroupBy(x => x.Field.Id, StringComparer.Ordinal))
        {
            var fs = group.Select(x => x.Field).ToList();
            var first = fs[0];
            var options = first.Options.Where(o => fs.All(f => f.Type != FieldType.Enum || f.Options.Any(x => x.Code == o.Code))).ToList();
            var merged = first with
            {
                Required = fs.Any(f => f.Required),
                Min = fs.Select(f => f.Min).Where(v => v != null).Max(),
                Max = fs.Select(f => f.Max).Where(v => v != null).Min(),
                MaxLength = fs.Select(f => f.MaxLength).Where(v => v != null).Min(),
                Patterns = fs.SelectMany(f => f.Patterns).Distinct().ToList(),
                Options = options,
            };
            fields.Add(new MergedField(merged, group.Select(x => x.Item).Distinct().ToList(), first.FromProfile ? Prefill(profile, first.Id) : null));
        }
        var materials = new List<MergedMaterial>();
        foreach (var group in items.SelectMany(i => i.Materials.Select(m => (Item: i.Id, Material: m))).GroupBy(x => x.Material.Id, StringComparer.Ordinal))
        {
            var ms = group.Select(x => x.Material).ToList();
            var named = ms.FirstOrDefault(m => m.Name.Length > 0) ?? ms[0];
            materials.Add(new MergedMaterial(named with
            {
                Core = ms.Any(m => m.Core),
                Required = ms.Any(m => m.MustHand),
                Deferrable = ms.All(m => m.Deferrable),
                WaivableByCommitment = ms.All(m => m.WaivableByCommitment),
                Accept = ms.Select(m => m.Accept).FirstOrDefault(a => a.Count > 0) ?? [],
                MaxSizeMb = ms.Select(m => m.MaxSizeMb).FirstOrDefault(s => s != null),
            }, group.Select(x => x.Item).Distinct().ToList()));
        }
        // A result of an item in the plan is passed on between departments: the applicant never uploads it.
        var inPlan = items.Select(i => "result:" + i.Id).ToHashSet(StringComparer.Ordinal);
        materials = materials.Where(m => !inPlan.Contains(m.Material.Id)).ToList();
        var counts = new FormCounts(items.Count(i => i.Fields.Count > 0), items.Sum(i => i.Fields.Count), fields.Count,
            items.Sum(i => i.Materials.Count), materials.Count);
        return new CombinedForm(fields, materials, counts);
    }

    /// <summary>The profile's value at a fact path ("person.birthDate" → profile.person.birthDate).</summary>
    public static JsonNode? Prefill(JsonObject? profile, string path)
    {
        JsonNode? node = profile;
        foreach (var part in path.Split('.'))
            node = node is JsonObject o && o.TryGetPropertyValue(part, out var v) ? v : null;
        return node is JsonValue ? node.DeepClone() : null;
    }

    /// <summary>Checks submitted values against the merged fields; Chinese message per field. Unknown fields are refused.</summary>
    public static List<ProfileError> Validate(CombinedForm form, JsonObject values)
    {
        var errors = new List<ProfileError>();
        var byId = form.Fields.ToDictionary(f => f.Field.Id, f => f.Field, StringComparer.Ordinal);
        foreach (var (key, _) in values)
            if (!byId.ContainsKey(key)) errors.Add(new(key, "表单中没有这一项"));
        foreach (var f in form.Fields.Select(m => m.Field))
        {
            var v = values.TryGetPropertyValue(f.Id, out var n) ? n : null;
            var text = v is JsonValue jv && jv.GetValueKind() == JsonValueKind.String ? jv.GetValue<string>().Trim() : v?.ToJsonString();
            if (v == null || text == "")
            {
                if (f.Required) errors.Add(new(f.Id, $"请填写“{f.Label}”"));
                continue;
            }
            var msg = Check(f, v, text!);
            if (msg != null) errors.Add(new(f.Id, $"“{f.Label}”{msg}"));
        }
        return errors;
    }

    private static string? Check(ItemField f, JsonNode v, string text)
    {
        switch (f.Type)
        {
            case FieldType.Number:
                double d;
                if (v is JsonValue nv && nv.GetValueKind() == JsonValueKind.Number) d = double.Parse(nv.ToJsonString(), CultureInfo.InvariantCulture);
                else if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out d)) return "应为数字";
                if (f.Min is double min && d < min) return $"不能小于 {min.ToString(CultureInfo.InvariantCulture)}";
                if (f.Max is double max && d > max) return $"不能大于 {max.ToString(CultureInfo.InvariantCulture)}";
                return null;
            case FieldType.Date:
                return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _) ? null : "应为日期（如 2020-06-30）";
            case FieldType.Bool:
                return v is JsonValue bv && bv.GetValueKind() is JsonValueKind.True or JsonValueKind.False || text is "true" or "false" ? null : "应为“是”或“否”";
            case FieldType.Enum:
                return f.Options.Any(o => o.Code == text) ? null : "不是可选的值：" + string.Join("、", f.Options.Select(o => o.Label));
            default:
                if (f.MaxLength is int ml && text.Length > ml) return $"不能超过 {ml} 个字";
                foreach (var p in f.Patterns)
                    if (!Regex.IsMatch(text, p, RegexOptions.None, TimeSpan.FromMilliseconds(200))) return "格式不正确";
                return null;
        }
    }
}
