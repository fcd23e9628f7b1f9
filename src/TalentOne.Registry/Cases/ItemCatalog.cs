using System.Globalization;
using System.Runtime.CompilerServices;
using TalentOne.Policies.Catalog;
using TalentOne.Policies.Language;
using TalentOne.Policies.Schema;
using YamlDotNet.RepresentationModel;

namespace TalentOne.Registry.Cases;

/// <summary>The service items of catalog/items/*.yaml and the bundles (一件事) of catalog/bundles/*.yaml, checked
/// against the policy catalog (pays_out ids), the profile schema (field ids that are facts), catalog/departments.yaml
/// and each other (prerequisites, cycles, shared field and material ids). Any error stops the load with every message
/// at its file:line:column.</summary>
public sealed class ItemCatalog
{
    public const string ItemsFolder = "items";
    public const string BundlesFolder = "bundles";

    public PolicyCatalog Policies { get; }
    public IReadOnlyList<ServiceItem> Items { get; }
    public IReadOnlyDictionary<string, ServiceItem> ItemById { get; }
    public IReadOnlyList<Bundle> Bundles { get; }
    public IReadOnlyDictionary<string, Bundle> BundleById { get; }

    private ItemCatalog(PolicyCatalog policies, List<ServiceItem> items, List<Bundle> bundles)
    {
        Policies = policies;
        Items = items;
        ItemById = items.ToDictionary(i => i.Id, StringComparer.Ordinal);
        Bundles = bundles;
        BundleById = bundles.ToDictionary(b => b.Id, StringComparer.Ordinal);
    }

    public string CityLabel(string city) => Policies.Schema.Facts.TryGetValue("work.city", out var f) && f.Type.Enum?.Find(city) is { } m ? m.Label : city;
    public string CountyLabel(string county) => Policies.Schema.Facts.TryGetValue("work.county", out var f) && f.Type.Enum?.Find(county) is { } m ? m.Label : county;

    public static ItemCatalog Load(PolicyCatalog policies)
    {
        var root = policies.Root;
        var errors = new List<CatalogError>();
        var items = new List<ServiceItem>();
        var bundles = new List<Bundle>();
        var reader = new Reader(policies, DepartmentKinds(root, errors), errors);
        foreach (var (folder, isItems) in new[] { (ItemsFolder, true), (BundlesFolder, false) })
        {
            var dir = Path.Combine(root, folder);
            if (!Directory.Exists(dir)) continue;
            foreach (var path in Directory.EnumerateFiles(dir, "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var file = new YamlFile(path, Path.GetRelativePath(Path.GetDirectoryName(root)!, path).Replace('\\', '/'), errors);
                if (isItems) reader.ReadItems(file, items); else reader.ReadBundles(file, bundles);
            }
        }
        reader.CheckLinks(items, bundles);
        reader.ResolveMaterials();
        if (errors.Count > 0)
            throw new CatalogException(errors.OrderBy(e => e.Pos.File, StringComparer.Ordinal).ThenBy(e => e.Pos.Line).ThenBy(e => e.Pos.Column).ToList());
        return new ItemCatalog(policies, items, bundles);
    }

    private static Dictionary<string, string> DepartmentKinds(string root, List<CatalogError> errors)
    {
        var path = Path.Combine(root, "departments.yaml");
        if (!File.Exists(path)) return [];
        var f = new YamlFile(path, Path.GetRelativePath(Path.GetDirectoryName(root)!, path).Replace('\\', '/'), errors);
        return f.Root is { } r && f.Map(r, "departments") is { } m
            ? f.Entries(m).ToDictionary(e => e.Key, e => (e.Value as YamlScalarNode)?.Value ?? e.Key, StringComparer.Ordinal) : [];
    }

    private sealed class Reader(PolicyCatalog policies, Dictionary<string, string> departments, List<CatalogError> errors)
    {
        private readonly Dictionary<string, (ItemField Field, string Item)> _fields = new(StringComparer.Ordinal);
        private readonly Dictionary<string, (string? Name, string? Accept, int? MaxSize, SourcePos Pos)> _materials = new(StringComparer.Ordinal);
        private readonly List<(ItemMaterial Material, YamlFile File, List<ItemMaterial> Owner)> _materialUses = [];

        private void Error(SourcePos pos, string msg) => errors.Add(new CatalogError(pos, msg));

        private static readonly string[] ItemKeys = ["id", "name", "city", "county", "department", "applicant", "limit_working_days",
            "materials", "fields", "prerequisites", "pays_out", "source", "assumed", "note", "steps"];

        public void ReadItems(YamlFile f, List<ServiceItem> items)
        {
            if (f.Root is not { } root) return;
            f.CheckKeys(root, "an items file", "items", "document");
            var defaultDocument = f.Str(root, "document");
            if (f.Seq(root, "items", required: true) is not { } seq) return;
            foreach (var node in seq.Children)
            {
                if (node is not YamlMappingNode m) { f.Error(f.PosOf(node), "each item must be a mapping (id:, name:, …)"); continue; }
                f.CheckKeys(m, "an item", ItemKeys);
                var id = f.Str(m, "id", required: true);
                if (id == null) continue;
                if (items.Any(i => i.Id == id)) { f.Error(f.PosOf(m), $"duplicate item id '{id}'"); continue; }
                var city = City(f, m);
                var county = f.Str(m, "county");
                if (county != null && CountyOk(county) == false) f.Error(f.PosOf(YamlFile.Get(m, "county")!), $"unknown county '{county}'");
                var kind = f.Str(m, "department", required: true) ?? "";
                if (kind.Length > 0 && !departments.ContainsKey(kind))
                    f.Error(f.PosOf(YamlFile.Get(m, "department")!), $"unknown department kind '{kind}': expected one of {string.Join(", ", departments.Keys)} (catalog/departments.yaml)");
                var applicant = f.Str(m, "applicant") ?? "person";
                if (applicant is not ("person" or "enterprise")) f.Error(f.PosOf(YamlFile.Get(m, "applicant")!), "applicant must be person or enterprise");
                var limit = f.Number(m, "limit_working_days");
                if (limit == null) f.Error(f.PosOf(m), $"item '{id}': missing 'limit_working_days' (write a reasonable value and assumed: true when the source gives none)");
                else if (limit < 1 || limit != Math.Floor(limit.Value)) f.Error(f.PosOf(YamlFile.Get(m, "limit_working_days")!), "limit_working_days must be a whole number ≥ 1");
                var assumed = Bool(f, m, "assumed") ?? false;
                var note = f.Str(m, "note");
                if (assumed && string.IsNullOrWhiteSpace(note)) f.Error(f.PosOf(m), $"item '{id}' is assumed: true — say in 'note' what is assumed");
                var source = Source(f, m, defaultDocument);
                var payouts = f.StrList(m, "pays_out");
                foreach (var p in payouts)
                    if (!policies.ById.ContainsKey(p)) f.Error(f.PosOf(YamlFile.Get(m, "pays_out")!), $"item '{id}': unknown policy id '{p}' in pays_out");
                items.Add(new ServiceItem
                {
                    Id = id, Name = f.Str(m, "name", required: true) ?? id, City = city ?? "", County = county, DepartmentKind = kind,
                    DepartmentName = departments.TryGetValue(kind, out var dn) && city != null ? dn.Replace("{city}", CityLabel(city)) : kind,
                    Applicant = applicant, LimitWorkingDays = (int)(limit ?? 1), Steps = Steps(f, m, id, (int)(limit ?? 1)),
                    Materials = Materials(f, m, id), Fields = Fields(f, m, id), Prerequisites = f.StrList(m, "prerequisites"),
                    PaysOut = payouts, Source = source, Assumed = assumed, Note = note, Pos = f.PosOf(m),
                });
            }
        }

        /// <summary>`steps:` of an item: exactly two steps (to the claim, to the decision), each a name and a whole number
        /// of working days, together within the item's limit. Absent: <see cref="ItemSteps.Default"/>.</summary>
        private static IReadOnlyList<ItemStep> Steps(YamlFile f, YamlMappingNode m, string item, int limit)
        {
            var node = YamlFile.Get(m, "steps");
            if (node == null) return ItemSteps.Default(limit);
            if (node is not YamlSequenceNode seq)
            {
                f.Error(f.PosOf(node), $"事项“{item}”的 steps 应为列表：两个环节，各写 name 和 limit_working_days");
                return ItemSteps.Default(limit);
            }
            if (seq.Children.Count != 2)
            {
                f.Error(f.PosOf(seq), $"事项“{item}”的 steps 应恰好列出两个环节：第一个自到达部门至认领（如“{ItemSteps.Accept}”），" +
                    $"第二个自认领至办结（如“{ItemSteps.Review}”）；现有 {seq.Children.Count} 个");
                return ItemSteps.Default(limit);
            }
            var steps = new List<ItemStep>();
            foreach (var child in seq.Children)
            {
                if (child is not YamlMappingNode sm) { f.Error(f.PosOf(child), $"事项“{item}”：每个环节应为映射（name、limit_working_days）"); continue; }
                foreach (var (k, _, pos) in f.Entries(sm))
                    if (k is not ("name" or "limit_working_days")) f.Error(pos, $"事项“{item}”：环节中未知的键“{k}”（可用：name、limit_working_days）");
                var name = YamlFile.Get(sm, "name") is YamlScalarNode { Value: { } n } ? n.Trim() : "";
                if (name.Length == 0) { f.Error(f.PosOf(sm), $"事项“{item}”：环节缺少名称 name"); continue; }
                if (name.Length > 20) f.Error(f.PosOf(sm), $"事项“{item}”：环节名称“{name}”不能超过 20 个字");
                if (steps.Any(s => s.Name == name)) f.Error(f.PosOf(sm), $"事项“{item}”：两个环节不能同名（“{name}”）");
                var days = YamlFile.Get(sm, "limit_working_days");
                if (days is not YamlScalarNode { Value: { } dv } || !int.TryParse(dv.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var d))
                {
                    f.Error(days == null ? f.PosOf(sm) : f.PosOf(days), $"事项“{item}”：环节“{name}”的 limit_working_days 应为不小于 0 的整数（工作日）");
                    continue;
                }
                steps.Add(new ItemStep(name, d));
            }
            if (steps.Count != 2) return ItemSteps.Default(limit);
            var sum = steps.Sum(s => s.LimitWorkingDays);
            if (sum > limit)
            {
                f.Error(f.PosOf(seq), $"事项“{item}”各环节时限之和为 {sum} 个工作日（{string.Join(" + ", steps.Select(s => $"{s.Name} {s.LimitWorkingDays}"))}），" +
                    $"超过事项的办理时限 {limit} 个工作日");
                return ItemSteps.Default(limit);
            }
            return steps;
        }

        private string CityLabel(string city) => policies.Schema.Facts["work.city"].Type.Enum?.Find(city)?.Label ?? city;
        private bool? CountyOk(string county) => policies.Schema.Facts.TryGetValue("work.county", out var c) ? c.Type.Enum?.Find(county) != null : null;

        private string? City(YamlFile f, YamlMappingNode m)
        {
            var city = f.Str(m, "city", required: true);
            if (city != null && policies.Schema.Facts.TryGetValue("work.city", out var c) && c.Type.Enum?.Find(city) == null)
                f.Error(f.PosOf(YamlFile.Get(m, "city")!), $"unknown city '{city}'");
            return city;
        }

        private static bool? Bool(YamlFile f, YamlMappingNode m, string key)
        {
            var s = f.Str(m, key);
            if (s == null) return null;
            if (s is "true" or "false") return s == "true";
            f.Error(f.PosOf(YamlFile.Get(m, key)!), $"'{key}' must be true or false");
            return null;
        }

        private static ItemSource Source(YamlFile f, YamlMappingNode m, string? defaultDocument)
        {
            var s = f.Map(m, "source", required: true);
            if (s == null) return new ItemSource(defaultDocument ?? "", null, null);
            f.CheckKeys(s, "a source", "document", "article", "quote");
            var doc = f.Str(s, "document") ?? defaultDocument;
            if (doc == null) f.Error(f.PosOf(s), "source: missing 'document' (or a file-level 'document:')");
            var quote = f.Str(s, "quote");
            if (string.IsNullOrWhiteSpace(quote)) f.Error(f.PosOf(s), "source: missing 'quote' (the words of the seed this rests on)");
            return new ItemSource(doc ?? "", f.Str(s, "article"), quote);
        }

        private List<ItemMaterial> Materials(YamlFile f, YamlMappingNode m, string item)
        {
            var list = new List<ItemMaterial>();
            if (f.Seq(m, "materials") is not { } seq) return list;
            foreach (var node in seq.Children)
            {
                if (node is not YamlMappingNode mm) { f.Error(f.PosOf(node), "each material must be a mapping (id:, name:, core: …)"); continue; }
                f.CheckKeys(mm, "a material", "id", "name", "core", "required", "waivable_by_commitment", "deferrable", "accept", "max_size_mb");
                var id = f.Str(mm, "id", required: true);
                if (id == null) continue;
                if (list.Any(x => x.Id == id)) { f.Error(f.PosOf(mm), $"item '{item}': material '{id}' listed twice"); continue; }
                var name = f.Str(mm, "name");
                var acceptList = f.StrList(mm, "accept");
                foreach (var a in acceptList)
                    if (a is not ("pdf" or "jpg" or "png" or "ofd")) f.Error(f.PosOf(YamlFile.Get(mm, "accept")!), $"unknown file type '{a}': expected pdf, jpg, png or ofd");
                var accept = YamlFile.Get(mm, "accept") == null ? null : string.Join(",", acceptList);
                var size = f.Number(mm, "max_size_mb") is double d ? (int?)d : null;
                var pos = f.PosOf(mm);
                if (id.StartsWith("result:", StringComparison.Ordinal)) name ??= id;
                else if (name != null || accept != null || size != null)
                {
                    if (_materials.TryGetValue(id, out var def))
                    {
                        var diffs = new List<string>();
                        if (name != null && def.Name != null && name != def.Name) diffs.Add($"name '{name}' ≠ '{def.Name}'");
                        if (accept != null && def.Accept != null && accept != def.Accept) diffs.Add($"accept [{accept}] ≠ [{def.Accept}]");
                        if (size != null && def.MaxSize != null && size != def.MaxSize) diffs.Add($"max_size_mb {size} ≠ {def.MaxSize}");
                        if (diffs.Count > 0) f.Error(pos, $"material '{id}' is defined again with different attributes ({string.Join("; ", diffs)}); first defined at {def.Pos}");
                        _materials[id] = (def.Name ?? name, def.Accept ?? accept, def.MaxSize ?? size, def.Pos);
                    }
                    else _materials[id] = (name, accept, size, pos);
                }
                var core = Bool(f, mm, "core") ?? false;
                var deferrable = Bool(f, mm, "deferrable") ?? false;
                if (core && deferrable)
                    f.Error(pos, $"item '{item}': material '{id}' is core and deferrable — 容缺受理 is only for non-core materials; write 'required: true, deferrable: true' for a required material that may be handed in later");
                var mat = new ItemMaterial(id, name ?? "", core, Bool(f, mm, "waivable_by_commitment") ?? false,
                    deferrable, acceptList, size, pos) { Required = Bool(f, mm, "required") ?? false };
                list.Add(mat);
                _materialUses.Add((mat, f, list));
            }
            return list;
        }

        private List<ItemField> Fields(YamlFile f, YamlMappingNode m, string item)
        {
            var list = new List<ItemField>();
            if (f.Seq(m, "fields") is not { } seq) return list;
            foreach (var node in seq.Children)
            {
                if (node is not YamlMappingNode fm) { f.Error(f.PosOf(node), "each field must be a mapping (id:, label:, type: …)"); continue; }
                f.CheckKeys(fm, "a field", "id", "label", "type", "options", "required", "min", "max", "pattern", "max_length");
                var id = f.Str(fm, "id", required: true);
                if (id == null) continue;
                var pos = f.PosOf(fm);
                if (list.Any(x => x.Id == id)) { f.Error(pos, $"item '{item}': field '{id}' listed twice"); continue; }
                policies.Schema.Facts.TryGetValue(id, out var fact);
                var typeText = f.Str(fm, "type");
                FieldType type;
                var options = new List<FieldOption>();
                if (fact != null)
                {
                    type = fact.Type.Base switch
                    {
                        BaseType.Number => FieldType.Number, BaseType.Bool => FieldType.Bool, BaseType.Date => FieldType.Date, BaseType.Enum => FieldType.Enum,
                        _ => FieldType.Text,
                    };
                    if (fact.Type.Base == BaseType.Set) { f.Error(pos, $"field '{id}' is a set fact; forms take single values"); continue; }
                    if (typeText != null && typeText != type.ToString().ToLowerInvariant())
                        f.Error(f.PosOf(YamlFile.Get(fm, "type")!), $"field '{id}' is the profile fact of type {type.ToString().ToLowerInvariant()}, not {typeText}");
                    if (fact.Type.Enum is { } en) options.AddRange(en.Members.Select(x => new FieldOption(x.Code, x.Label)));
                }
                else
                {
                    if (id.Contains('.') && policies.Schema.Facts.Keys.Any(k => k.StartsWith(id.Split('.')[0] + ".", StringComparison.Ordinal)))
                    { f.Error(pos, $"field '{id}' looks like a profile fact but the schema has no such fact"); continue; }
                    if (typeText == null || !Enum.GetNames<FieldType>().Contains(typeText, StringComparer.OrdinalIgnoreCase) || typeText != typeText.ToLowerInvariant()
                        || !Enum.TryParse(typeText, ignoreCase: true, out type))
                    { f.Error(pos, $"field '{id}': type must be text, number, date, bool or enum, found '{typeText}'"); continue; }
                    if (type == FieldType.Enum)
                    {
                        if (f.Map(fm, "options", required: true) is { } om)
                            options.AddRange(f.Entries(om).Select(e => new FieldOption(e.Key, (e.Value as YamlScalarNode)?.Value ?? e.Key)));
                        if (options.Count == 0) f.Error(pos, $"field '{id}': an enum needs options");
                    }
                }
                var pattern = f.Str(fm, "pattern");
                if (pattern != null)
                    try { _ = new System.Text.RegularExpressions.Regex(pattern); }
                    catch (ArgumentException) { f.Error(f.PosOf(YamlFile.Get(fm, "pattern")!), $"field '{id}': invalid pattern"); }
                var field = new ItemField(id, f.Str(fm, "label") ?? fact?.Label ?? id, type, Bool(f, fm, "required") ?? false, options,
                    f.Number(fm, "min") ?? fact?.Min, f.Number(fm, "max") ?? fact?.Max, pattern == null ? [] : [pattern],
                    f.Number(fm, "max_length") is double ml ? (int)ml : null, fact != null, pos);
                if (_fields.TryGetValue(id, out var other) && other.Field.Type != field.Type)
                    f.Error(pos, $"field '{id}' is {field.TypeName} in item '{item}' but {other.Field.TypeName} in item '{other.Item}' ({other.Field.Pos})");
                else _fields.TryAdd(id, (field, item));
                list.Add(field);
            }
            return list;
        }

        public void ReadBundles(YamlFile f, List<Bundle> bundles)
        {
            if (f.Root is not { } root) return;
            f.CheckKeys(root, "a bundles file", "bundles", "document");
            var defaultDocument = f.Str(root, "document");
            if (f.Seq(root, "bundles", required: true) is not { } seq) return;
            foreach (var node in seq.Children)
            {
                if (node is not YamlMappingNode m) { f.Error(f.PosOf(node), "each bundle must be a mapping"); continue; }
                f.CheckKeys(m, "a bundle", "id", "name", "city", "county", "source", "items", "groups", "before", "after", "note");
                var id = f.Str(m, "id", required: true);
                if (id == null) continue;
                if (bundles.Any(b => b.Id == id)) { f.Error(f.PosOf(m), $"duplicate bundle id '{id}'"); continue; }
                var groups = new List<BundleGroup>();
                if (f.Seq(m, "groups") is { } gs)
                    foreach (var g in gs.Children.OfType<YamlMappingNode>())
                    {
                        f.CheckKeys(g, "a group", "name", "kind", "items");
                        groups.Add(new BundleGroup(f.Str(g, "name", required: true) ?? "", f.Str(g, "kind"), f.StrList(g, "items")));
                    }
                bundles.Add(new Bundle
                {
                    Id = id, Name = f.Str(m, "name", required: true) ?? id, City = City(f, m) ?? "", County = f.Str(m, "county"),
                    Source = Source(f, m, defaultDocument), Items = f.StrList(m, "items"), Groups = groups,
                    Before = Figures(f, m, "before"), After = Figures(f, m, "after"), Note = f.Str(m, "note"), Pos = f.PosOf(m),
                });
            }
        }

        private static BundleFigures? Figures(YamlFile f, YamlMappingNode m, string key)
        {
            if (f.Map(m, key) is not { } fm) return null;
            f.CheckKeys(fm, key, "forms", "fields", "materials", "working_days", "departments", "items");
            int? N(string k) => f.Number(fm, k) is double d ? (int)d : null;
            return new BundleFigures(N("forms"), N("fields"), N("materials"), N("working_days"), N("departments"), N("items"));
        }

        /// <summary>Every use of a material gets the name, types and size defined once for its id (in any item), so that
        /// each item's own list reads complete wherever the item is shown alone (a reviewer's task, a vault upload).</summary>
        public void ResolveMaterials()
        {
            foreach (var (mat, _, owner) in _materialUses)
            {
                if (mat.IsResult || !_materials.TryGetValue(mat.Id, out var def)) continue;
                var i = owner.IndexOf(mat);
                owner[i] = mat with
                {
                    Name = mat.Name.Length > 0 ? mat.Name : def.Name ?? "",
                    Accept = mat.Accept.Count > 0 || def.Accept == null ? mat.Accept : def.Accept.Split(',', StringSplitOptions.RemoveEmptyEntries),
                    MaxSizeMb = mat.MaxSizeMb ?? def.MaxSize,
                };
            }
        }

        public void CheckLinks(List<ServiceItem> items, List<Bundle> bundles)
        {
            var byId = items.ToDictionary(i => i.Id, StringComparer.Ordinal);
            foreach (var item in items)
                foreach (var p in item.Prerequisites)
                    if (!byId.ContainsKey(p)) Error(item.Pos, $"item '{item.Id}': unknown prerequisite '{p}'");
                    else if (p == item.Id) Error(item.Pos, $"item '{item.Id}' lists itself as a prerequisite");
            foreach (var (mat, _, _) in _materialUses)
                if (mat.IsResult && !byId.ContainsKey(mat.Id["result:".Length..]))
                    Error(mat.Pos, $"material '{mat.Id}' names an unknown item");
                else if (!mat.IsResult && (!_materials.TryGetValue(mat.Id, out var def) || def.Name == null))
                    Error(mat.Pos, $"material '{mat.Id}' has no name anywhere: give it 'name:' in one item");
            foreach (var cycle in Cycles(items, byId))
                Error(byId[cycle[0]].Pos, "prerequisites form a cycle: " + string.Join(" → ", cycle));
            foreach (var b in bundles)
            {
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var i in b.Items)
                    if (!byId.ContainsKey(i)) Error(b.Pos, $"bundle '{b.Id}': unknown item '{i}'");
                    else if (!seen.Add(i)) Error(b.Pos, $"bundle '{b.Id}': item '{i}' listed twice");
                foreach (var g in b.Groups)
                    foreach (var i in g.Items.Where(i => !seen.Contains(i)))
                        Error(b.Pos, $"bundle '{b.Id}': group '{g.Name}' names '{i}', which is not among the bundle's items");
                foreach (var cycle in Cycles(b.Items.Where(byId.ContainsKey).Select(i => byId[i]).ToList(), byId))
                    Error(b.Pos, $"bundle '{b.Id}' is refused: its prerequisites form a cycle: " + string.Join(" → ", cycle));
            }
        }

        /// <summary>Each cycle reachable from <paramref name="start"/> once, as "a, b, c, a".</summary>
        private static List<List<string>> Cycles(List<ServiceItem> start, Dictionary<string, ServiceItem> byId)
        {
            var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 on the path, 2 done
            var path = new List<string>();
            var cycles = new List<List<string>>();
            void Visit(string id)
            {
                state[id] = 1;
                path.Add(id);
                foreach (var p in byId[id].Prerequisites.Where(byId.ContainsKey))
                {
                    var s = state.GetValueOrDefault(p);
                    if (s == 1) cycles.Add([.. path.Skip(path.IndexOf(p)), p]);
                    else if (s == 0) Visit(p);
                }
                path.RemoveAt(path.Count - 1);
                state[id] = 2;
            }
            foreach (var i in start)
                if (!state.ContainsKey(i.Id)) Visit(i.Id);
            return cycles;
        }
    }
}

/// <summary>The item catalog that goes with a policy catalog: loaded once per catalog instance (a reload brings a new
/// instance, so items are re-checked against its policies and schema).</summary>
public sealed class ItemCatalogs
{
    private readonly ConditionalWeakTable<PolicyCatalog, Lazy<(ItemCatalog? Items, CatalogException? Error)>> _loaded = [];

    public ItemCatalog For(PolicyCatalog policies)
    {
        var entry = _loaded.GetValue(policies, p => new Lazy<(ItemCatalog?, CatalogException?)>(() =>
        {
            try { return (ItemCatalog.Load(p), null); }
            catch (CatalogException ce) { return (null, ce); }
        })).Value;
        return entry.Items ?? throw entry.Error!;
    }
}
