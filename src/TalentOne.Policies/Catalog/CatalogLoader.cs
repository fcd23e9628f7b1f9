using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using TalentOne.Policies.Language;
using TalentOne.Policies.Schema;
using YamlDotNet.RepresentationModel;
using ValueType = TalentOne.Policies.Schema.ValueType;

namespace TalentOne.Policies.Catalog;

/// <summary>Loads catalog/: schema, parameters and policy files; type-checks and compiles everything.
/// Any error stops the load with every message at its file:line:column.</summary>
public static class CatalogLoader
{
    public static PolicyCatalog Load(string root, IEnumerable<(string Name, ParameterValue Value)>? extraParameterValues = null)
    {
        var errors = new List<CatalogError>();
        root = Path.GetFullPath(root);
        if (!Directory.Exists(root))
            throw new CatalogException([new CatalogError(new SourcePos(root, 1, 1), "catalog directory not found")]);
        string Rel(string p) => Path.GetRelativePath(Path.GetDirectoryName(root)!, p).Replace('\\', '/');
        IEnumerable<string> Files(string sub) => Directory.Exists(Path.Combine(root, sub))
            ? Directory.EnumerateFiles(Path.Combine(root, sub), "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            : [];

        var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        YamlFile Read(string p)
        {
            var f = new YamlFile(p, Rel(p), errors);
            hash.AppendData(Encoding.UTF8.GetBytes(f.Path + "\n" + f.Text + "\n"));
            return f;
        }

        var schemaFiles = Files("schema").Select(Read).ToList();
        var paramFiles = Files("parameters").Select(Read).ToList();
        var policyFiles = Files("policies").Select(Read).ToList();

        var schema = LoadSchema(schemaFiles, errors);
        var parameters = LoadParameters(paramFiles, schema, errors);
        foreach (var (name, value) in extraParameterValues ?? [])
            if (parameters.FirstOrDefault(p => p.Name == name) is { } pd) pd.Values.Add(value);
        var table = new ParameterTable(parameters);
        var holder = new ParameterHolder(table);

        var ctx = new PolicyFileLoader(schema, table, errors);
        foreach (var f in policyFiles) ctx.ReadFile(f);
        var catalog = ctx.Finish(holder, Convert.ToHexString(hash.GetHashAndReset())[..16].ToLowerInvariant(), root);
        if (errors.Count > 0) throw new CatalogException(errors.OrderBy(e => e.Pos.File, StringComparer.Ordinal).ThenBy(e => e.Pos.Line).ThenBy(e => e.Pos.Column).ToList());
        return catalog;
    }

    private static ProfileSchema LoadSchema(List<YamlFile> files, List<CatalogError> errors)
    {
        var schema = new ProfileSchema();
        // enums first (all files), then extensions, then sets and facts, so files may refer to each other.
        foreach (var f in files.Where(f => f.Root != null))
        {
            f.CheckKeys(f.Root!, "a schema file", "enums", "extend_enums", "facts", "sets");
            if (f.Map(f.Root!, "enums") is { } enums)
                foreach (var (name, node, pos) in f.Entries(enums))
                {
                    if (node is not YamlMappingNode m) { f.Error(pos, $"enum '{name}' must be a mapping with title and members"); continue; }
                    f.CheckKeys(m, $"enum '{name}'", "title", "ordered", "members");
                    if (schema.Enums.ContainsKey(name)) { f.Error(pos, $"enum '{name}' is declared twice"); continue; }
                    var e = new EnumDef(name, f.Str(m, "title") ?? name, f.Str(m, "ordered") == "true");
                    schema.Enums[name] = e;
                    AddMembers(f, e, f.Map(m, "members", required: true));
                }
        }
        foreach (var f in files.Where(f => f.Root != null))
            if (f.Map(f.Root!, "extend_enums") is { } ext)
                foreach (var (name, node, pos) in f.Entries(ext))
                {
                    if (!schema.Enums.TryGetValue(name, out var e)) { f.Error(pos, $"extend_enums: unknown enum '{name}'"); continue; }
                    if (e.Ordered) { f.Error(pos, $"enum '{name}' is ordered and cannot be extended"); continue; }
                    if (node is YamlMappingNode m) AddMembers(f, e, f.Map(m, "members", required: true));
                }
        foreach (var f in files.Where(f => f.Root != null))
        {
            if (f.Map(f.Root!, "sets") is { } sets)
                foreach (var (name, node, pos) in f.Entries(sets))
                {
                    if (node is not YamlMappingNode m) { f.Error(pos, $"set '{name}' must be a mapping"); continue; }
                    f.CheckKeys(m, $"set '{name}'", "title", "of", "source", "quote", "members");
                    var of = f.Str(m, "of", true);
                    if (of == null || !schema.Enums.TryGetValue(of, out var e)) { f.Error(pos, $"set '{name}': 'of' must name an enum"); continue; }
                    var members = f.StrList(m, "members");
                    foreach (var mem in members.Where(x => e.Find(x) == null))
                        f.Error(f.PosOf(YamlFile.Get(m, "members")!), $"set '{name}': '{mem}' is not a member of {of}");
                    if (!schema.Sets.TryAdd(name, new SetDef(name, f.Str(m, "title") ?? name, e, members.ToHashSet(), f.Str(m, "source"), f.Str(m, "quote"))))
                        f.Error(pos, $"set '{name}' is declared twice");
                }
            if (f.Map(f.Root!, "facts") is { } facts)
                foreach (var (path, node, pos) in f.Entries(facts))
                {
                    if (node is not YamlMappingNode m) { f.Error(pos, $"fact '{path}' must be a mapping {{type, label}}"); continue; }
                    f.CheckKeys(m, $"fact '{path}'", "type", "label", "unit", "min", "max", "suggest");
                    if (!path.Contains('.') || path.Split('.').Length != 2)
                    { f.Error(pos, $"fact '{path}' must be '<section>.<name>' (e.g. person.birthDate)"); continue; }
                    var type = ParseType(f, schema, f.Str(m, "type", true), pos);
                    if (type == null) continue;
                    var fact = new FactDef(path, type, f.Str(m, "label") ?? path, f.Str(m, "unit"), f.Number(m, "min") ?? (type.Base == BaseType.Number ? 0 : null), f.Number(m, "max"))
                    { Suggest = f.Str(m, "suggest") != "false" };
                    if (!schema.Facts.TryAdd(path, fact)) { f.Error(pos, $"fact '{path}' is declared twice"); continue; }
                    schema.FactList.Add(fact);
                }
        }
        schema.AssignSlots();
        return schema;
    }

    private static void AddMembers(YamlFile f, EnumDef e, YamlMappingNode? members)
    {
        if (members == null) return;
        foreach (var (code, node, pos) in f.Entries(members))
        {
            var raw = (node as YamlScalarNode)?.Value ?? code;
            string label = raw, parent = "";
            int bar = raw.IndexOf('|');
            if (bar >= 0) { label = raw[..bar].Trim(); parent = raw[(bar + 1)..].Trim(); }
            if (e.Find(code) != null) { f.Error(pos, $"enum '{e.Name}' already has member '{code}'"); continue; }
            e.Add(code, label, parent.Length > 0 ? parent : null);
        }
    }

    internal static ValueType? ParseType(YamlFile f, ProfileSchema schema, string? type, SourcePos pos)
    {
        switch (type)
        {
            case "number": return ValueType.Number;
            case "bool": return ValueType.Bool;
            case "date": return ValueType.Date;
            case not null when type.StartsWith("enum:", StringComparison.Ordinal) || type.StartsWith("set:", StringComparison.Ordinal):
                var name = type[(type.IndexOf(':') + 1)..];
                if (!schema.Enums.TryGetValue(name, out var e)) { f.Error(pos, $"unknown enum '{name}' in type '{type}'"); return null; }
                return new ValueType(type.StartsWith("enum:", StringComparison.Ordinal) ? BaseType.Enum : BaseType.Set, e);
            default:
                f.Error(pos, $"unknown type '{type}': expected number, bool, date, enum:<name> or set:<name>");
                return null;
        }
    }

    private static List<ParameterDef> LoadParameters(List<YamlFile> files, ProfileSchema schema, List<CatalogError> errors)
    {
        var list = new List<ParameterDef>();
        foreach (var f in files.Where(f => f.Root != null))
        {
            f.CheckKeys(f.Root!, "a parameter file", "parameters");
            if (f.Map(f.Root!, "parameters", required: true) is not { } ps) continue;
            foreach (var (name, node, pos) in f.Entries(ps))
            {
                if (node is not YamlMappingNode m) { f.Error(pos, $"parameter '{name}' must be a mapping"); continue; }
                f.CheckKeys(m, $"parameter '{name}'", "title", "unit", "key", "reference", "values", "description");
                EnumDef? key = null;
                if (f.Str(m, "key") is { } k && !schema.Enums.TryGetValue(k, out key))
                    f.Error(f.PosOf(YamlFile.Get(m, "key")!), $"parameter '{name}': unknown key enum '{k}'");
                if (list.Any(p => p.Name == name)) { f.Error(pos, $"parameter '{name}' is declared twice"); continue; }
                var p = new ParameterDef(name, f.Str(m, "title") ?? name, f.Str(m, "unit"), f.Str(m, "reference"), key, pos);
                foreach (var vn in f.Seq(m, "values", required: true)?.Children ?? [])
                {
                    if (vn is not YamlMappingNode v) { f.Error(f.PosOf(vn), "each value must be a mapping with 'from'"); continue; }
                    f.CheckKeys(v, $"a value of '{name}'", "from", "value", "default", "by_key", "source");
                    var from = f.Date(v, "from", required: true);
                    var dflt = f.Number(v, "value") ?? f.Number(v, "default");
                    var byKey = new Dictionary<string, double>(StringComparer.Ordinal);
                    if (f.Map(v, "by_key") is { } bk)
                    {
                        if (key == null) f.Error(f.PosOf(bk), $"parameter '{name}' has no key, so by_key is not allowed");
                        foreach (var (kc, kv, kpos) in f.Entries(bk))
                        {
                            if (key != null && key.Find(kc) == null) { f.Error(kpos, $"'{kc}' is not a member of {key.Name}"); continue; }
                            if (kv is YamlScalarNode ks && double.TryParse(ks.Value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d)) byKey[kc] = d;
                            else f.Error(kpos, $"value for '{kc}' must be a number");
                        }
                    }
                    if (dflt == null && byKey.Count == 0) f.Error(f.PosOf(v), "a value needs 'value', 'default' or 'by_key'");
                    if (from != null) p.Values.Add(new ParameterValue(from.Value, dflt, byKey, f.Str(v, "source"), f.Path));
                }
                list.Add(p);
            }
        }
        return list;
    }
}

/// <summary>Reads policy files (documents, groups, definitions, profiles, policies, tests) and binds them.</summary>
internal sealed class PolicyFileLoader(ProfileSchema schema, ParameterTable table, List<CatalogError> errors)
{
    private readonly Dictionary<string, Definition> _defs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PolicyGroup> _groups = new(StringComparer.Ordinal);
    private readonly List<(YamlFile File, Definition Def)> _defSources = [];
    private readonly List<Policy> _policies = [];
    private readonly List<PolicyDocument> _documents = [];
    private readonly List<(PolicyDocument Doc, PackageTest Test)> _packageTests = [];
    private readonly List<(Policy Policy, YamlFile File, List<(Clause, Expr?)> Clauses, (AmountSpec, Expr?) Amount, List<(string, string, Expr?, SourcePos)> Caps)> _pending = [];

    private static readonly string[] PolicyKeys =
    [
        "id", "title", "article", "quote", "applicant", "jurisdiction", "place", "valid_from", "valid_until", "extensions",
        "department", "payer", "group", "conditions", "amount", "caps", "materials", "tests", "note",
    ];

    public void ReadFile(YamlFile f)
    {
        if (f.Root == null) return;
        f.CheckKeys(f.Root, "a policy file", "document", "groups", "definitions", "profiles", "policies", "package_tests");
        var dm = f.Map(f.Root, "document", required: true);
        if (dm == null) return;
        f.CheckKeys(dm, "document", "id", "number", "title", "issuer", "date", "in_force", "seed", "jurisdiction", "note");
        var doc = new PolicyDocument(f.Str(dm, "id", true) ?? "", f.Str(dm, "number", true) ?? "", f.Str(dm, "title", true) ?? "",
            f.Str(dm, "issuer"), f.Date(dm, "date"), f.Date(dm, "in_force"), f.Str(dm, "seed"), f.Str(dm, "jurisdiction", true) ?? "province", f.Path);
        if (_documents.Any(d => d.Id == doc.Id)) f.Error(f.PosOf(dm), $"document id '{doc.Id}' is used by another file");
        _documents.Add(doc);

        if (f.Map(f.Root, "groups") is { } groups)
            foreach (var (id, node, pos) in f.Entries(groups))
            {
                if (node is not YamlMappingNode gm) { f.Error(pos, $"group '{id}' must be a mapping"); continue; }
                f.CheckKeys(gm, $"group '{id}'", "title", "rule", "quote");
                var rule = f.Str(gm, "rule") ?? "highest";
                if (rule != "highest") f.Error(pos, $"group '{id}': rule must be 'highest'");
                if (!_groups.TryAdd(id, new PolicyGroup(id, f.Str(gm, "title") ?? id, rule, f.Str(gm, "quote"), pos)))
                    f.Error(pos, $"group '{id}' is declared twice");
            }

        if (f.Map(f.Root, "definitions") is { } defs)
            foreach (var (name, node, pos) in f.Entries(defs))
            {
                YamlNode? exprNode = node;
                string? title = null;
                if (node is YamlMappingNode dm2)
                {
                    f.CheckKeys(dm2, $"definition '{name}'", "title", "expr");
                    title = f.Str(dm2, "title");
                    exprNode = YamlFile.Get(dm2, "expr");
                    if (exprNode == null) { f.Error(pos, $"definition '{name}' needs 'expr'"); continue; }
                }
                var src = f.ExprSource(exprNode);
                if (src == null) continue;
                if (schema.Facts.ContainsKey(name)) { f.Error(pos, $"definition '{name}' has the name of a fact"); continue; }
                var d = new Definition(name, title, src.Value.Text.Trim(), pos) { Syntax = Parser.Parse(src.Value.Text, src.Value.Start, errors) };
                if (!_defs.TryAdd(name, d)) { f.Error(pos, $"definition '{name}' is declared twice"); continue; }
                _defSources.Add((f, d));
            }

        var profiles = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        if (f.Map(f.Root, "profiles") is { } pm)
            foreach (var (name, node, pos) in f.Entries(pm))
                if (YamlFile.ToJson(node) is JsonObject o) profiles[name] = o;
                else f.Error(pos, $"profile '{name}' must be a mapping");

        foreach (var pn in f.Seq(f.Root, "policies", required: true)?.Children ?? [])
        {
            if (pn is not YamlMappingNode m) { f.Error(f.PosOf(pn), "each policy must be a mapping"); continue; }
            ReadPolicy(f, doc, m, profiles);
        }

        foreach (var tn in f.Seq(f.Root, "package_tests")?.Children ?? [])
        {
            if (tn is not YamlMappingNode tm) { f.Error(f.PosOf(tn), "each package test must be a mapping"); continue; }
            f.CheckKeys(tm, "a package test", "name", "date", "profile", "with", "eligible", "not_eligible", "excluded_by_group", "total");
            var json = TestProfile(f, tm, profiles);
            var date = f.Date(tm, "date", true);
            if (json == null || date == null) continue;
            _packageTests.Add((doc, new PackageTest(f.Str(tm, "name") ?? "package", date.Value, json, f.StrList(tm, "eligible"),
                f.StrList(tm, "not_eligible"), f.StrList(tm, "excluded_by_group"), f.Number(tm, "total"), f.PosOf(tm))));
        }
    }

    private static string? TestProfile(YamlFile f, YamlMappingNode tm, Dictionary<string, JsonObject> profiles)
    {
        var pnode = YamlFile.Get(tm, "profile");
        JsonObject? obj = null;
        if (pnode is YamlScalarNode ps)
        {
            if (ps.Value != null && profiles.TryGetValue(ps.Value, out var named)) obj = (JsonObject)named.DeepClone();
            else { f.Error(f.PosOf(ps), $"unknown profile '{ps.Value}': expected one of {string.Join(", ", profiles.Keys)} or an inline mapping"); return null; }
        }
        else if (pnode is YamlMappingNode) obj = (JsonObject)YamlFile.ToJson(pnode)!;
        else { f.Error(f.PosOf(tm), "a test needs 'profile'"); return null; }
        if (f.Map(tm, "with") is { } with)
            foreach (var (path, node, pos) in f.Entries(with))
            {
                var parts = path.Split('.');
                if (parts.Length != 2) { f.Error(pos, $"'with' keys are fact paths like person.title, found '{path}'"); continue; }
                if (obj[parts[0]] is not JsonObject section) { section = new JsonObject(); obj[parts[0]] = section; }
                section[parts[1]] = YamlFile.ToJson(node);
            }
        return obj.ToJsonString();
    }

    private void ReadPolicy(YamlFile f, PolicyDocument doc, YamlMappingNode m, Dictionary<string, JsonObject> profiles)
    {
        f.CheckKeys(m, "a policy", PolicyKeys);
        var pos = f.PosOf(m);
        var id = f.Str(m, "id", true) ?? "";
        if (id.Length > 0 && !System.Text.RegularExpressions.Regex.IsMatch(id, "^[a-z0-9][a-z0-9_.-]*$"))
            f.Error(f.PosOf(YamlFile.Get(m, "id")!), $"policy id '{id}' must use lower-case letters, digits, '.', '_' and '-'");
        var quote = f.Str(m, "quote", true);
        if (quote != null && quote.Length == 0) f.Error(pos, $"policy '{id}': 'quote' must give the source sentence");
        var applicantText = f.Str(m, "applicant") ?? "person";
        var applicant = applicantText switch
        {
            "person" => Applicant.Person,
            "enterprise" => Applicant.Enterprise,
            "organisation" => Applicant.Organisation,
            _ => Bad(f, m, "applicant", $"applicant must be person, enterprise or organisation, found '{applicantText}'", Applicant.Person),
        };
        var jurisdiction = f.Str(m, "jurisdiction") ?? doc.Jurisdiction;
        var place = f.Str(m, "place") ?? (applicant == Applicant.Person ? "work" : "enterprise");
        if (place is not ("work" or "enterprise" or "none")) { f.Error(pos, $"policy '{id}': place must be work, enterprise or none"); place = "none"; }

        var clauses = new List<(Clause, Expr?)>();
        var (placeExpr, placeLabel, jurisdictionLabel) = PlaceClause(jurisdiction, place, f, m);
        if (placeExpr != null)
        {
            var c = new Clause(placeLabel!, placeExpr, f.PosOf(YamlFile.Get(m, "jurisdiction") ?? m), automatic: true);
            clauses.Add((c, Parser.Parse(placeExpr, c.Pos, errors)));
        }
        foreach (var cn in f.Seq(m, "conditions")?.Children ?? [])
        {
            YamlNode? exprNode = cn;
            string? label = null;
            if (cn is YamlMappingNode cm)
            {
                f.CheckKeys(cm, "a condition", "label", "expr");
                label = f.Str(cm, "label");
                exprNode = YamlFile.Get(cm, "expr");
                if (exprNode == null) { f.Error(f.PosOf(cm), "a condition needs 'expr'"); continue; }
            }
            var src = f.ExprSource(exprNode);
            if (src == null) continue;
            var clause = new Clause(label ?? "", src.Value.Text.Trim(), src.Value.Start, automatic: false);
            clauses.Add((clause, Parser.Parse(src.Value.Text, src.Value.Start, errors)));
        }

        AmountSpec? amount = null;
        Expr? amountExpr = null;
        if (f.Map(m, "amount", required: true) is { } am)
        {
            f.CheckKeys(am, "amount", "expr", "unit", "schedule", "periods", "note");
            var scheduleText = f.Str(am, "schedule") ?? "once";
            var schedule = scheduleText switch
            {
                "once" => Schedule.Once,
                "per_month" => Schedule.PerMonth,
                "per_year" => Schedule.PerYear,
                "per_day" => Schedule.PerDay,
                "per_head" => Schedule.PerHead,
                _ => Bad(f, am, "schedule", $"schedule must be once, per_month, per_year, per_day or per_head, found '{scheduleText}'", Schedule.Once),
            };
            var periods = f.Number(am, "periods");
            var exprNode = YamlFile.Get(am, "expr");
            if (exprNode == null) f.Error(f.PosOf(am), "amount needs 'expr'");
            var src = exprNode == null ? null : f.ExprSource(exprNode);
            amount = new AmountSpec(src?.Text.Trim() ?? "0", f.Str(am, "unit") ?? "元", schedule, periods == null ? null : (int)periods, f.Str(am, "note"));
            if (src != null) amountExpr = Parser.Parse(src.Value.Text, src.Value.Start, errors);
        }

        var caps = new List<(string, string, Expr?, SourcePos)>();
        foreach (var capNode in f.Seq(m, "caps")?.Children ?? [])
        {
            if (capNode is not YamlMappingNode cm) { f.Error(f.PosOf(capNode), "a cap must be a mapping with label and expr"); continue; }
            f.CheckKeys(cm, "a cap", "label", "expr");
            var en = YamlFile.Get(cm, "expr");
            if (en == null) { f.Error(f.PosOf(cm), "a cap needs 'expr'"); continue; }
            var src = f.ExprSource(en);
            if (src == null) continue;
            caps.Add((f.Str(cm, "label") ?? "上限", src.Value.Text.Trim(), Parser.Parse(src.Value.Text, src.Value.Start, errors), src.Value.Start));
        }

        var extensions = new List<Extension>();
        foreach (var en in f.Seq(m, "extensions")?.Children ?? [])
            if (en is YamlMappingNode em)
            {
                f.CheckKeys(em, "an extension", "until", "source", "quote");
                if (f.Date(em, "until", true) is { } until) extensions.Add(new Extension(until, f.Str(em, "source"), f.Str(em, "quote")));
            }

        var tests = new List<PolicyTest>();
        foreach (var tn in f.Seq(m, "tests")?.Children ?? [])
        {
            if (tn is not YamlMappingNode tm) { f.Error(f.PosOf(tn), "each test must be a mapping"); continue; }
            f.CheckKeys(tm, "a test", "name", "date", "profile", "with", "expect", "amount", "total", "eligible_on");
            var expect = f.Str(tm, "expect", true) ?? "eligible";
            if (expect is not ("eligible" or "ineligible" or "needs_info" or "nearly"))
                f.Error(f.PosOf(tm), $"expect must be eligible, ineligible, needs_info or nearly, found '{expect}'");
            var json = TestProfile(f, tm, profiles);
            var date = f.Date(tm, "date", true);
            if (json == null || date == null) continue;
            tests.Add(new PolicyTest(f.Str(tm, "name") ?? expect, date.Value, json, expect, f.Number(tm, "amount"), f.Number(tm, "total"), f.Date(tm, "eligible_on"), f.PosOf(tm)));
        }
        if (tests.Count > 0 && (!tests.Any(t => t.Expect == "eligible") || tests.All(t => t.Expect == "eligible")))
            f.Error(pos, $"policy '{id}' needs at least one test expecting eligible and one expecting another outcome");
        if (tests.Count == 0) f.Error(pos, $"policy '{id}' has no tests: add one eligible and one ineligible case");

        if (amount == null) return;
        var policy = new Policy
        {
            Id = id,
            Title = f.Str(m, "title", true) ?? id,
            Document = doc,
            Article = f.Str(m, "article", true) ?? "",
            Quote = quote ?? "",
            Applicant = applicant,
            Jurisdiction = jurisdiction,
            JurisdictionLabel = jurisdictionLabel,
            ValidFrom = f.Date(m, "valid_from") ?? doc.InForce,
            ValidUntil = f.Date(m, "valid_until"),
            Extensions = extensions,
            Department = f.Str(m, "department"),
            Payer = f.Str(m, "payer"),
            GroupId = f.Str(m, "group"),
            Conditions = clauses.Select(c => c.Item1).ToList(),
            Amount = amount,
            Materials = f.StrList(m, "materials"),
            Tests = tests,
            Pos = pos,
        };
        if (_policies.Any(p => p.Id == id)) f.Error(pos, $"policy id '{id}' is used twice");
        _policies.Add(policy);
        _pending.Add((policy, f, clauses, (amount, amountExpr), caps));
    }

    private static T Bad<T>(YamlFile f, YamlMappingNode m, string key, string msg, T fallback)
    {
        f.Error(f.PosOf(YamlFile.Get(m, key) ?? m), msg);
        return fallback;
    }

    private (string? Expr, string? Label, string JurisdictionLabel) PlaceClause(string jurisdiction, string place, YamlFile f, YamlMappingNode m)
    {
        string cityFact = place == "work" ? "work.city" : "enterprise.city";
        string countyFact = place == "work" ? "work.county" : "enterprise.county";
        string verb = place == "work" ? "在{0}工作" : "企业注册在{0}";
        var pos = f.PosOf(YamlFile.Get(m, "jurisdiction") ?? m);
        if (jurisdiction == "province")
            return (place == "none" ? null : $"{cityFact} != \"outside_zhejiang\"", string.Format(verb, "浙江省"), "浙江省");
        if (jurisdiction.StartsWith("county:", StringComparison.Ordinal))
        {
            var c = jurisdiction[7..];
            var m1 = schema.Enums.GetValueOrDefault("county")?.Find(c);
            if (m1 == null) { f.Error(pos, $"unknown county '{c}'"); return (null, null, c); }
            return (place == "none" ? null : $"{countyFact} == \"{c}\"", string.Format(verb, m1.Label), m1.Label);
        }
        if (jurisdiction.StartsWith("set:", StringComparison.Ordinal))
        {
            var s = jurisdiction[4..];
            if (!schema.Sets.TryGetValue(s, out var set)) { f.Error(pos, $"unknown set '{s}'"); return (null, null, s); }
            return (place == "none" ? null : $"{countyFact} in sets.{s}", string.Format(verb, set.Title), set.Title);
        }
        var city = schema.Enums.GetValueOrDefault("city")?.Find(jurisdiction);
        if (city == null) { f.Error(pos, $"unknown jurisdiction '{jurisdiction}': expected province, a city (e.g. quzhou), county:<county> or set:<set>"); return (null, null, jurisdiction); }
        return (place == "none" ? null : $"{cityFact} == \"{jurisdiction}\"", string.Format(verb, city.Label), city.Label);
    }

    public PolicyCatalog Finish(ParameterHolder holder, string version, string root)
    {
        var binder = new Binder(schema, _defs, table.ByName, errors);
        foreach (var (f, d) in _defSources)
        {
            if (d.Syntax == null) continue;
            binder.BindDefinitionReporting(d);
        }
        foreach (var (policy, f, clauses, (amount, amountExpr), caps) in _pending)
        {
            foreach (var (clause, expr) in clauses)
            {
                if (expr == null) continue;
                clause.Body = binder.Bind(expr, BaseType.Bool, "a condition");
            }
            if (amountExpr != null) amount.Body = binder.Bind(amountExpr, BaseType.Number, "an amount");
            var capList = new List<Cap>();
            foreach (var (label, src, expr, _) in caps)
                if (expr != null && binder.Bind(expr, BaseType.Number, "a cap") is { } cb)
                    capList.Add(new Cap(label, src, cb, Renderer.Render(cb)));
            policy.Caps = capList;
            if (policy.GroupId != null)
            {
                if (_groups.TryGetValue(policy.GroupId, out var g)) policy.Group = g;
                else f.Error(policy.Pos, $"policy '{policy.Id}': unknown group '{policy.GroupId}' (declare it under groups:)");
            }
        }
        foreach (var (doc, t) in _packageTests)
            foreach (var id in t.Eligible.Concat(t.NotEligible).Concat(t.ExcludedByGroup))
                if (_policies.All(p => p.Id != id)) errors.Add(new CatalogError(t.Pos, $"package test '{t.Name}' names unknown policy '{id}'"));

        return new PolicyCatalog(schema, _documents, _policies, _groups.Values.ToList(), _defs.Values.ToList(), holder,
            _packageTests.Select(x => x.Test).ToList(), version, root, errors.Count == 0);
    }
}
