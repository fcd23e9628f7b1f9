using System.Linq.Expressions;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using TalentOne.Policies.Catalog;
using TalentOne.Policies.Evaluation;
using TalentOne.Policies.Language;
using TalentOne.Policies.Profiles;
using TalentOne.Policies.Schema;
using YamlDotNet.RepresentationModel;
using E = System.Linq.Expressions.Expression;

namespace TalentOne.Registry.Certification;

/// <summary>The source document a certification file implements.</summary>
public sealed record CertificationDocument(string Id, string Number, string Title, string? Issuer, DateOnly? Date, string? Seed, string File);

/// <summary>The file types evidence may have. Each is recognised by its first bytes, not by its name.</summary>
public enum EvidenceFileType { Pdf, Jpg, Png }

/// <summary>A kind of evidence (完税证明, 任职文件 …) and the file types accepted for it.</summary>
public sealed record EvidenceKind(string Id, string Title, string? Description, IReadOnlyList<EvidenceFileType> Accept);

/// <summary>One piece of evidence a route asks for: its kind, the statement it proves (an expression of the policy
/// language, so the facts it proves are the facts that statement reads), and whether it is required.</summary>
public sealed class EvidenceRequirement(EvidenceKind kind, bool required, string source, Bound proves)
{
    public EvidenceKind Kind { get; } = kind;
    public bool Required { get; } = required;
    public string ProvesSource { get; } = source;
    public Bound Proves { get; } = proves;
    /// <summary>The statement in readable Chinese, e.g. "个人年应纳税所得额 ≥ 20万".</summary>
    public string ProvesReadable { get; } = Renderer.Render(proves);
    public IReadOnlyList<FactDef> Facts { get; internal init; } = [];
}

/// <summary>At least one of these kinds must be attached (e.g. 完税证明 or 股权估值报告).</summary>
public sealed record EvidenceAlternative(string Label, IReadOnlyList<string> KindIds);

/// <summary>A fact the certification sets: one value, or one of several the reviewer chooses (原文“相应层次”).</summary>
public sealed record Grant(FactDef Fact, IReadOnlyList<JsonNode> Choices)
{
    public bool ReviewerChooses => Choices.Count > 1;

    public string Display(JsonNode value) => Fact.Type.Base switch
    {
        BaseType.Enum => Fact.Type.Enum!.Find(value.GetValue<string>())?.Label ?? value.ToJsonString(),
        BaseType.Bool => value.GetValue<bool>() ? "是" : "否",
        BaseType.Number => Renderer.Number(value.GetValue<double>()) + (Fact.Unit is { } u ? " " + u : ""),
        _ => value.ToJsonString(),
    };

    /// <summary>The choice matching <paramref name="value"/> (as text, e.g. "C" or "3"), if it is one.</summary>
    public JsonNode? Find(string? value) =>
        value == null ? null : Choices.FirstOrDefault(c => Text(c) == value.Trim());

    public static string Text(JsonNode v) => v.GetValueKind() == System.Text.Json.JsonValueKind.String ? v.GetValue<string>() : v.ToJsonString();
}

/// <summary>How long a certification holds: a number of years from the decision, or until a date.</summary>
public sealed record Validity(int? Years, DateOnly? Until, string? Note)
{
    /// <summary>The last day the certification holds, for one approved on <paramref name="from"/>.</summary>
    public DateOnly LastDay(DateOnly from) => Years is int y ? from.AddYears(y).AddDays(-1) : Until!.Value;

    public string Text => Years is int y ? $"自认定之日起 {y} 年" : $"至 {Until:yyyy年M月d日}";
}

/// <summary>One condition on the applicant's profile, written in the policy expression language.</summary>
public sealed class RouteCondition(string label, string source, SourcePos pos, Bound body)
{
    public string Label { get; } = label;
    public string Source { get; } = source;
    public SourcePos Pos { get; } = pos;
    public Bound Body { get; } = body;
    public string Readable { get; } = Renderer.Render(body);
    public IReadOnlyList<FactDef> Facts { get; internal init; } = [];
    internal Func<double[], double, double[], double> Eval { get; init; } = (_, _, _) => double.NaN;
}

public enum RouteExpectation { Meets, NotMet, NeedsInfo }

public sealed record RouteTest(string Name, string ProfileJson, RouteExpectation Expect, DateOnly Date, SourcePos Pos);

/// <summary>A way to be certified (认定): which category it grants, for how long, reviewed by which department, on what
/// source, for whom (conditions on the profile) and on what evidence.</summary>
public sealed class CertificationRoute
{
    public required string Id { get; init; }
    public required string Title { get; init; }
    public required Applicant Applicant { get; init; }
    public required string City { get; init; }
    public required string CityLabel { get; init; }
    /// <summary>Department kind of catalog/departments.yaml (talent_office, hrss …).</summary>
    public required string DepartmentKind { get; init; }
    public string DepartmentId => City + "." + DepartmentKind;
    public required CertificationDocument Document { get; init; }
    public required string Article { get; init; }
    public required string Quote { get; init; }
    public required IReadOnlyList<Grant> Grants { get; init; }
    public required Validity Validity { get; init; }
    public required IReadOnlyList<RouteCondition> Conditions { get; init; }
    public required IReadOnlyList<EvidenceRequirement> Evidence { get; init; }
    public required IReadOnlyList<EvidenceAlternative> RequireAny { get; init; }
    public required IReadOnlyList<RouteTest> Tests { get; init; }
    public required SourcePos Pos { get; init; }

    public EvidenceRequirement? EvidenceOf(string kindId) => Evidence.FirstOrDefault(e => e.Kind.Id == kindId);

    /// <summary>Facts the route reads or sets: what a reviewer needs to see of the applicant's record.</summary>
    public IEnumerable<FactDef> RelevantFacts => Conditions.SelectMany(c => c.Facts).Concat(Evidence.SelectMany(e => e.Facts))
        .Concat(Grants.Select(g => g.Fact)).Distinct();

    /// <summary>What is missing among the attached evidence kinds: each required kind, and each "at least one of" group,
    /// as a Chinese sentence. Empty when the evidence is complete.</summary>
    public IReadOnlyList<string> MissingEvidence(IReadOnlyCollection<string> attachedKinds)
    {
        var missing = Evidence.Where(e => e.Required && !attachedKinds.Contains(e.Kind.Id)).Select(e => $"缺少“{e.Kind.Title}”").ToList();
        missing.AddRange(RequireAny.Where(a => !a.KindIds.Any(attachedKinds.Contains)).Select(a => $"缺少{a.Label}"));
        return missing;
    }
}

public enum RouteStatus { Meets, NeedsInfo, NotMet }

public sealed record RouteConditionResult(RouteCondition Condition, Truth Truth, string Actual);

/// <summary>Whether a profile meets a route's conditions; when not, which conditions fail and which facts are unknown.</summary>
public sealed record RouteCheck(CertificationRoute Route, RouteStatus Status, IReadOnlyList<RouteConditionResult> Conditions, IReadOnlyList<FactDef> Missing)
{
    public IEnumerable<RouteConditionResult> Failed => Conditions.Where(c => c.Truth == Truth.False);

    /// <summary>Why the profile does not qualify, in Chinese (empty when it does).</summary>
    public string Explain() => Status switch
    {
        RouteStatus.NotMet when Conditions.Count == 0 => Route.Applicant == Applicant.Person ? "本认定仅面向个人" : "本认定仅面向企业",
        RouteStatus.NotMet => "不符合认定条件：" + string.Join("；", Failed.Select(c => $"{c.Condition.Label}（{c.Actual}）")),
        RouteStatus.NeedsInfo => "请先在档案中填写：" + string.Join("、", Missing.Select(f => f.Label)),
        _ => "",
    };
}

/// <summary>The certification routes of catalog/certification/*.yaml, type-checked against the profile schema of the
/// policy catalog they were loaded with (conditions and proofs are expressions of the same language and may use the
/// policy files' definitions). Any error stops the load with every message at its file:line:column.</summary>
public sealed class CertificationCatalog
{
    public const string Folder = "certification";

    public PolicyCatalog Policies { get; }
    public IReadOnlyList<CertificationDocument> Documents { get; }
    public IReadOnlyList<CertificationRoute> Routes { get; }
    public IReadOnlyDictionary<string, CertificationRoute> ById { get; }

    private CertificationCatalog(PolicyCatalog policies, List<CertificationDocument> documents, List<CertificationRoute> routes)
    {
        Policies = policies;
        Documents = documents;
        Routes = routes;
        ById = routes.ToDictionary(r => r.Id, StringComparer.Ordinal);
    }

    /// <summary>Does the profile meet the route's conditions on <paramref name="date"/>?</summary>
    public RouteCheck Check(CertificationRoute route, ProfileRow profile, DateOnly date)
    {
        if (route.Applicant != profile.Kind)
            return new RouteCheck(route, RouteStatus.NotMet, [], []);
        var row = (double[])profile.Values.Clone();
        var pv = Policies.Parameters.Table.SnapshotAt(date);
        Policies.FillDefinitions(row, date.DayNumber, pv);
        var results = new List<RouteConditionResult>();
        foreach (var c in route.Conditions)
        {
            var v = c.Eval(row, date.DayNumber, pv);
            var truth = v == 1 ? Truth.True : v == 0 ? Truth.False : Truth.Unknown;
            results.Add(new RouteConditionResult(c, truth, truth == Truth.True ? "" : Actual(c.Facts, row)));
        }
        var status = results.Any(r => r.Truth == Truth.False) ? RouteStatus.NotMet
            : results.Any(r => r.Truth == Truth.Unknown) ? RouteStatus.NeedsInfo : RouteStatus.Meets;
        var missing = status == RouteStatus.NeedsInfo
            ? results.Where(r => r.Truth == Truth.Unknown).SelectMany(r => r.Condition.Facts).Where(f => double.IsNaN(row[f.Slot])).Distinct().ToList()
            : [];
        return new RouteCheck(route, status, results, missing);
    }

    public RouteCheck Check(CertificationRoute route, string profileJson, DateOnly date) =>
        Check(route, ProfileReader.Read(Policies, profileJson, date), date);

    private static string Actual(IReadOnlyList<FactDef> facts, double[] row) =>
        string.Join("；", facts.Select(f => f.Label + "：" + (f.Type.Base == BaseType.Set
            ? (double.IsNaN(row[f.Slot]) ? "未知" : string.Join("、", f.Type.Enum!.Members.Where(m => row[f.Slot + m.Index] == 1).Select(m => m.Label)) is { Length: > 0 } s ? s : "无")
            : Renderer.Value(f.Type, row[f.Slot]))));

    public sealed record TestResult(string RouteId, string Name, SourcePos Pos, bool Passed, string? Failure);

    /// <summary>Runs the test cases written in the route files.</summary>
    public IEnumerable<TestResult> RunTests()
    {
        foreach (var route in Routes)
            foreach (var t in route.Tests)
            {
                RouteCheck? check = null;
                string? invalid = null;
                try { check = Check(route, t.ProfileJson, t.Date); }
                catch (ProfileException pe) { invalid = "test profile is invalid: " + pe.Message; }
                if (check == null)
                {
                    yield return new TestResult(route.Id, t.Name, t.Pos, false, invalid);
                    continue;
                }
                var got = check.Status switch { RouteStatus.Meets => RouteExpectation.Meets, RouteStatus.NotMet => RouteExpectation.NotMet, _ => RouteExpectation.NeedsInfo };
                yield return got == t.Expect
                    ? new TestResult(route.Id, t.Name, t.Pos, true, null)
                    : new TestResult(route.Id, t.Name, t.Pos, false, $"expected {Code(t.Expect)}, got {Code(got)}{(check.Explain() is { Length: > 0 } why ? " — " + why : "")}");
            }
    }

    private static string Code(RouteExpectation e) => e switch { RouteExpectation.Meets => "meets", RouteExpectation.NotMet => "not_met", _ => "needs_info" };

    /// <summary>Loads catalog/certification/*.yaml beside the policy catalog <paramref name="policies"/> was loaded from.
    /// No folder means no routes.</summary>
    public static CertificationCatalog Load(PolicyCatalog policies)
    {
        var root = policies.Root;
        var errors = new List<CatalogError>();
        var folder = Path.Combine(root, Folder);
        var documents = new List<CertificationDocument>();
        var routes = new List<CertificationRoute>();
        if (Directory.Exists(folder))
        {
            var departmentKinds = DepartmentKinds(root, errors);
            var reader = new RouteReader(policies, departmentKinds, errors, documents, routes);
            foreach (var path in Directory.EnumerateFiles(folder, "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var rel = Path.GetRelativePath(Path.GetDirectoryName(root)!, path).Replace('\\', '/');
                reader.ReadFile(new YamlFile(path, rel, errors));
            }
        }
        if (errors.Count > 0)
            throw new CatalogException(errors.OrderBy(e => e.Pos.File, StringComparer.Ordinal).ThenBy(e => e.Pos.Line).ThenBy(e => e.Pos.Column).ToList());
        return new CertificationCatalog(policies, documents, routes);
    }

    private static HashSet<string> DepartmentKinds(string root, List<CatalogError> errors)
    {
        var path = Path.Combine(root, "departments.yaml");
        if (!File.Exists(path)) return [];
        var f = new YamlFile(path, Path.GetRelativePath(Path.GetDirectoryName(root)!, path).Replace('\\', '/'), errors);
        return f.Root is { } r && f.Map(r, "departments") is { } m ? f.Entries(m).Select(e => e.Key).ToHashSet(StringComparer.Ordinal) : [];
    }

    /// <summary>Reads one file after another; ids are unique across files.</summary>
    private sealed class RouteReader(PolicyCatalog policies, HashSet<string> departmentKinds, List<CatalogError> errors,
        List<CertificationDocument> documents, List<CertificationRoute> routes)
    {
        private static readonly string[] RouteKeys =
            ["id", "title", "applicant", "city", "department", "article", "quote", "grants", "validity", "conditions", "evidence", "require_any", "tests", "note"];

        private readonly Binder _binder = new(policies.Schema, policies.Definitions.ToDictionary(d => d.Name, StringComparer.Ordinal),
            policies.Parameters.Table.ByName, errors);
        private readonly ConditionEmitter _emitter = new(policies.Parameters);

        public void ReadFile(YamlFile f)
        {
            if (f.Root == null) return;
            f.CheckKeys(f.Root, "a certification file", "document", "evidence_kinds", "profiles", "routes");
            var dm = f.Map(f.Root, "document", required: true);
            if (dm == null) return;
            f.CheckKeys(dm, "document", "id", "number", "title", "issuer", "date", "seed", "note");
            var doc = new CertificationDocument(f.Str(dm, "id", true) ?? "", f.Str(dm, "number", true) ?? "", f.Str(dm, "title", true) ?? "",
                f.Str(dm, "issuer"), f.Date(dm, "date"), f.Str(dm, "seed"), f.Path);
            if (documents.Any(d => d.Id == doc.Id)) f.Error(f.PosOf(dm), $"document id '{doc.Id}' is used by another certification file");
            documents.Add(doc);

            var kinds = new Dictionary<string, EvidenceKind>(StringComparer.Ordinal);
            var kindPos = new Dictionary<string, SourcePos>(StringComparer.Ordinal);
            if (f.Map(f.Root, "evidence_kinds") is { } km)
                foreach (var (id, node, pos) in f.Entries(km))
                {
                    if (node is not YamlMappingNode m) { f.Error(pos, $"evidence kind '{id}' must be a mapping with title and accept"); continue; }
                    f.CheckKeys(m, $"evidence kind '{id}'", "title", "description", "accept");
                    if (!Regex.IsMatch(id, "^[a-z][a-z0-9_]*$")) f.Error(pos, $"evidence kind id '{id}' must use lower-case letters, digits and '_'");
                    var accept = new List<EvidenceFileType>();
                    foreach (var t in f.StrList(m, "accept"))
                    {
                        if (EvidenceFiles.ParseType(t) is { } ft) accept.Add(ft);
                        else f.Error(f.PosOf(YamlFile.Get(m, "accept")!), $"evidence kind '{id}': unknown file type '{t}': expected pdf, jpg or png");
                    }
                    if (accept.Count == 0 && YamlFile.Get(m, "accept") == null) f.Error(pos, $"evidence kind '{id}' needs 'accept' (e.g. [pdf, jpg, png])");
                    kindPos[id] = pos;
                    kinds[id] = new EvidenceKind(id, f.Str(m, "title", true) ?? id, f.Str(m, "description"), accept.Distinct().ToList());
                }

            var profiles = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
            if (f.Map(f.Root, "profiles") is { } pm)
                foreach (var (name, node, pos) in f.Entries(pm))
                    if (YamlFile.ToJson(node) is JsonObject o) profiles[name] = o;
                    else f.Error(pos, $"profile '{name}' must be a mapping");

            var used = new HashSet<string>(StringComparer.Ordinal);
            foreach (var rn in f.Seq(f.Root, "routes", required: true)?.Children ?? [])
            {
                if (rn is not YamlMappingNode m) { f.Error(f.PosOf(rn), "each route must be a mapping"); continue; }
                if (ReadRoute(f, doc, m, kinds, profiles, used) is { } route)
                {
                    if (routes.Any(r => r.Id == route.Id)) f.Error(route.Pos, $"route id '{route.Id}' is used twice");
                    else routes.Add(route);
                }
            }
            foreach (var unused in kinds.Keys.Where(k => !used.Contains(k)))
                f.Error(kindPos[unused], $"evidence kind '{unused}' is not used by any route of this file");
        }

        private CertificationRoute? ReadRoute(YamlFile f, CertificationDocument doc, YamlMappingNode m, Dictionary<string, EvidenceKind> kinds,
            Dictionary<string, JsonObject> profiles, HashSet<string> usedKinds)
        {
            f.CheckKeys(m, "a route", RouteKeys);
            var pos = f.PosOf(m);
            var errorsBefore = errors.Count;
            var id = f.Str(m, "id", true) ?? "";
            if (id.Length > 0 && !Regex.IsMatch(id, "^[a-z0-9][a-z0-9_.-]*$"))
                f.Error(f.PosOf(YamlFile.Get(m, "id")!), $"route id '{id}' must use lower-case letters, digits, '.', '_' and '-'");
            var quote = f.Str(m, "quote", true);
            if (quote is { Length: 0 }) f.Error(pos, $"route '{id}': 'quote' must give the source sentence");

            var applicantText = f.Str(m, "applicant") ?? "person";
            Applicant applicant = Applicant.Person;
            if (applicantText == "enterprise") applicant = Applicant.Enterprise;
            else if (applicantText != "person") f.Error(f.PosOf(YamlFile.Get(m, "applicant")!), $"applicant must be person or enterprise, found '{applicantText}'");

            var city = f.Str(m, "city", true) ?? "";
            var cityMember = policies.Schema.Enums.GetValueOrDefault("city")?.Find(city);
            if (city.Length > 0 && (cityMember == null || city == "outside_zhejiang"))
                f.Error(f.PosOf(YamlFile.Get(m, "city")!), $"unknown city '{city}': expected a city of Zhejiang (e.g. quzhou)");
            var department = f.Str(m, "department", true) ?? "";
            if (department.Length > 0 && !departmentKinds.Contains(department))
                f.Error(f.PosOf(YamlFile.Get(m, "department")!), $"unknown department kind '{department}': expected one of {string.Join(", ", departmentKinds)} (catalog/departments.yaml)");

            var grants = ReadGrants(f, m, id);
            var validity = ReadValidity(f, m, id);

            var conditions = new List<RouteCondition>();
            bool conditionsBroken = false;
            foreach (var cn in f.Seq(m, "conditions")?.Children ?? [])
            {
                if (cn is not YamlMappingNode cm) { f.Error(f.PosOf(cn), "a condition must be a mapping with label and expr"); continue; }
                f.CheckKeys(cm, "a condition", "label", "expr");
                var label = f.Str(cm, "label", true) ?? "";
                if (Bind(f, YamlFile.Get(cm, "expr"), cm, "a condition") is not { } b) { conditionsBroken = true; continue; }
                var facts = FactsOf(b.Bound);
                conditions.Add(new RouteCondition(label, b.Source, b.Pos, b.Bound) { Facts = facts, Eval = _emitter.Compile(b.Bound) });
            }

            var evidence = new List<EvidenceRequirement>();
            var listed = new HashSet<string>(StringComparer.Ordinal);
            var readable = conditions.SelectMany(c => c.Facts).Concat(grants.Select(g => g.Fact)).ToHashSet();
            foreach (var en in f.Seq(m, "evidence", required: true)?.Children ?? [])
            {
                if (en is not YamlMappingNode em) { f.Error(f.PosOf(en), "an evidence item must be a mapping with kind, proves and required"); continue; }
                f.CheckKeys(em, "an evidence item", "kind", "proves", "required");
                var kindId = f.Str(em, "kind", true) ?? "";
                if (!kinds.TryGetValue(kindId, out var kind))
                {
                    if (kindId.Length > 0) f.Error(f.PosOf(YamlFile.Get(em, "kind")!), $"unknown evidence kind '{kindId}': declare it under evidence_kinds: in this file");
                    continue;
                }
                usedKinds.Add(kindId);
                if (!listed.Add(kindId)) { f.Error(f.PosOf(em), $"route '{id}' lists evidence kind '{kindId}' twice"); continue; }
                var requiredText = f.Str(em, "required", true);
                if (requiredText is not (null or "true" or "false")) f.Error(f.PosOf(YamlFile.Get(em, "required")!), "required must be true or false");
                if (Bind(f, YamlFile.Get(em, "proves"), em, "what evidence proves") is not { } b) continue;
                var facts = FactsOf(b.Bound);
                // Evidence proves what the route asks or grants: anything else would be verified by accident.
                foreach (var stray in conditionsBroken ? [] : facts.Where(x => !readable.Contains(x)))
                    f.Error(b.Pos, $"evidence '{kindId}' proves '{stray.Path}', which the route neither requires (conditions) nor grants");
                evidence.Add(new EvidenceRequirement(kind, requiredText == "true", b.Source, b.Bound) { Facts = facts });
            }
            if (evidence.Count == 0 && YamlFile.Get(m, "evidence") != null) f.Error(pos, $"route '{id}' needs at least one evidence item");

            var alternatives = new List<EvidenceAlternative>();
            foreach (var an in f.Seq(m, "require_any")?.Children ?? [])
            {
                if (an is not YamlMappingNode am) { f.Error(f.PosOf(an), "require_any items are mappings with label and of"); continue; }
                f.CheckKeys(am, "a require_any item", "label", "of");
                var of = f.StrList(am, "of");
                foreach (var k in of.Where(k => !listed.Contains(k)))
                    f.Error(f.PosOf(YamlFile.Get(am, "of") ?? am), $"require_any names '{k}', which is not evidence of this route");
                if (of.Count < 2) f.Error(f.PosOf(am), "require_any needs at least two evidence kinds in 'of'");
                alternatives.Add(new EvidenceAlternative(f.Str(am, "label", true) ?? "", of));
            }

            var tests = new List<RouteTest>();
            foreach (var tn in f.Seq(m, "tests")?.Children ?? [])
            {
                if (tn is not YamlMappingNode tm) { f.Error(f.PosOf(tn), "each test must be a mapping"); continue; }
                f.CheckKeys(tm, "a test", "name", "date", "profile", "with", "expect");
                var expect = f.Str(tm, "expect", true) switch
                {
                    "meets" => RouteExpectation.Meets,
                    "not_met" => RouteExpectation.NotMet,
                    "needs_info" => RouteExpectation.NeedsInfo,
                    var other => Bad(f, tm, $"expect must be meets, not_met or needs_info, found '{other}'"),
                };
                if (expect == null || TestProfile(f, tm, profiles) is not { } json) continue;
                tests.Add(new RouteTest(f.Str(tm, "name") ?? Code(expect.Value), json, expect.Value, f.Date(tm, "date") ?? doc.Date ?? new DateOnly(2021, 1, 1), f.PosOf(tm)));
            }
            if (tests.Count == 0 || !tests.Any(t => t.Expect == RouteExpectation.Meets) || tests.All(t => t.Expect == RouteExpectation.Meets))
                f.Error(pos, $"route '{id}' needs tests: at least one expecting meets and one expecting another outcome");

            if (errors.Count > errorsBefore || validity == null) return null;
            return new CertificationRoute
            {
                Id = id,
                Title = f.Str(m, "title", true) ?? id,
                Applicant = applicant,
                City = city,
                CityLabel = cityMember!.Label,
                DepartmentKind = department,
                Document = doc,
                Article = f.Str(m, "article", true) ?? "",
                Quote = quote ?? "",
                Grants = grants,
                Validity = validity,
                Conditions = conditions,
                Evidence = evidence,
                RequireAny = alternatives,
                Tests = tests,
                Pos = pos,
            };
        }

        private static RouteExpectation? Bad(YamlFile f, YamlMappingNode m, string message)
        {
            f.Error(f.PosOf(m), message);
            return null;
        }

        private List<Grant> ReadGrants(YamlFile f, YamlMappingNode m, string id)
        {
            var grants = new List<Grant>();
            var gm = f.Map(m, "grants", required: true);
            if (gm == null) return grants;
            foreach (var (path, node, pos) in f.Entries(gm))
            {
                if (!policies.Schema.Facts.TryGetValue(path, out var fact)) { f.Error(pos, $"grants: unknown fact '{path}'"); continue; }
                if (fact.Type.Base is BaseType.Set or BaseType.Date) { f.Error(pos, $"grants: '{path}' is a {fact.Type}; a certification sets a number, yes/no or enum fact"); continue; }
                if (path.StartsWith("subject.", StringComparison.Ordinal) || path.EndsWith(".city", StringComparison.Ordinal) || path.EndsWith(".county", StringComparison.Ordinal))
                { f.Error(pos, $"grants: '{path}' is not a category a certification can set"); continue; }
                var values = new List<(YamlScalarNode Node, string Text)>();
                if (node is YamlScalarNode s) values.Add((s, s.Value ?? ""));
                else if (node is YamlMappingNode cm && YamlFile.Get(cm, "choose") is YamlSequenceNode seq)
                {
                    f.CheckKeys(cm, $"grant '{path}'", "choose");
                    foreach (var c in seq.Children)
                        if (c is YamlScalarNode cs) values.Add((cs, cs.Value ?? ""));
                        else f.Error(f.PosOf(c), "each choice must be a single value");
                    if (values.Count < 2) f.Error(pos, $"grant '{path}': 'choose' needs at least two values (one value is written without choose)");
                }
                else { f.Error(pos, $"grant '{path}' must be a value (e.g. 3 or C) or {{choose: [E, D, C]}}"); continue; }
                var choices = new List<JsonNode>();
                foreach (var (vn, text) in values)
                {
                    JsonNode? v = fact.Type.Base switch
                    {
                        BaseType.Enum => fact.Type.Enum!.Find(text) is { Code: not "none" } ? JsonValue.Create(text) : null,
                        BaseType.Bool => text is "true" or "false" ? JsonValue.Create(text == "true") : null,
                        _ => double.TryParse(text.Replace("_", ""), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d)
                             && (fact.Min is not double min || d >= min) && (fact.Max is not double max || d <= max) ? JsonValue.Create(d) : null,
                    };
                    if (v == null)
                        f.Error(f.PosOf(vn), fact.Type.Base == BaseType.Enum
                            ? $"grant '{path}': '{text}' is not a member of {fact.Type.Enum!.Name} other than none: expected one of {string.Join(", ", fact.Type.Enum.Members.Where(x => x.Code != "none").Select(x => x.Code))}"
                            : $"grant '{path}': '{text}' is not a valid {fact.Type} value");
                    else choices.Add(v);
                }
                if (choices.Count == values.Count && choices.Count > 0) grants.Add(new Grant(fact, choices));
            }
            if (gm.Children.Count == 0) f.Error(f.PosOf(gm), $"route '{id}' grants nothing: name the fact(s) it sets");
            return grants;
        }

        private static Validity? ReadValidity(YamlFile f, YamlMappingNode m, string id)
        {
            var vm = f.Map(m, "validity", required: true);
            if (vm == null) return null;
            f.CheckKeys(vm, "validity", "years", "until", "note");
            var years = f.Number(vm, "years");
            var until = f.Date(vm, "until");
            if ((years == null) == (until == null)) { f.Error(f.PosOf(vm), $"route '{id}': validity needs either 'years' or 'until'"); return null; }
            if (years is double y && (y < 1 || y > 50 || y != Math.Floor(y))) { f.Error(f.PosOf(vm), "validity years must be a whole number from 1 to 50"); return null; }
            return new Validity(years == null ? null : (int)years, until, f.Str(vm, "note"));
        }

        private (Bound Bound, string Source, SourcePos Pos)? Bind(YamlFile f, YamlNode? node, YamlMappingNode parent, string role)
        {
            if (node == null) { f.Error(f.PosOf(parent), $"{role} needs an expression"); return null; }
            var src = f.ExprSource(node);
            if (src == null) return null;
            var syntax = Parser.Parse(src.Value.Text, src.Value.Start, errors);
            if (syntax == null) return null;
            var bound = _binder.Bind(syntax, BaseType.Bool, role);
            return bound == null ? null : (bound, src.Value.Text.Trim(), src.Value.Start);
        }

        private List<FactDef> FactsOf(Bound b)
        {
            var set = new HashSet<FactDef>();
            BoundWalk.CollectFacts(b, set);
            return policies.Schema.FactList.Where(set.Contains).ToList();
        }

        private static string? TestProfile(YamlFile f, YamlMappingNode tm, Dictionary<string, JsonObject> profiles)
        {
            var pnode = YamlFile.Get(tm, "profile");
            JsonObject obj;
            if (pnode is YamlScalarNode ps && ps.Value != null && profiles.TryGetValue(ps.Value, out var named)) obj = (JsonObject)named.DeepClone();
            else if (pnode is YamlMappingNode && YamlFile.ToJson(pnode) is JsonObject inline) obj = inline;
            else { f.Error(f.PosOf(pnode ?? tm), $"a test needs 'profile': a mapping or one of {string.Join(", ", profiles.Keys)}"); return null; }
            if (f.Map(tm, "with") is { } with)
                foreach (var (path, node, pos) in f.Entries(with))
                {
                    var parts = path.Split('.');
                    if (parts.Length != 2) { f.Error(pos, $"'with' keys are fact paths like person.title, found '{path}'"); continue; }
                    if (obj[parts[0]] is not JsonObject section) obj[parts[0]] = section = new JsonObject();
                    section[parts[1]] = YamlFile.ToJson(node);
                }
            return obj.ToJsonString();
        }
    }

    /// <summary>Compiles a condition to a function of (profile row with definitions filled, today, parameter snapshot).</summary>
    private sealed class ConditionEmitter(ParameterHolder holder) : Emitter(holder)
    {
        private readonly ParameterExpression _row = E.Parameter(typeof(double[]), "row");
        private readonly ParameterExpression _today = E.Parameter(typeof(double), "today");
        private readonly ParameterExpression _pv = E.Parameter(typeof(double[]), "pv");
        public override E Today => _today;
        public override E ParamSnapshot => _pv;
        public override E Slot(int slot) => E.ArrayIndex(_row, E.Constant(slot));
        public override E DefinitionValue(Definition d) => E.ArrayIndex(_row, E.Constant(d.Slot));

        public Func<double[], double, double[], double> Compile(Bound b) =>
            E.Lambda<Func<double[], double, double[], double>>(BoolValue(b), _row, _today, _pv).Compile();
    }
}
