using System.Linq.Expressions;
using System.Text.RegularExpressions;
using TalentOne.Policies.Catalog;
using TalentOne.Policies.Evaluation;
using TalentOne.Policies.Language;
using TalentOne.Policies.Profiles;
using TalentOne.Policies.Schema;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using E = System.Linq.Expressions.Expression;

namespace TalentOne.Registry.Codes;

/// <summary>What a scanning service provider may be shown about a holder. Validity and the services the code grants
/// at that provider are always shown; an identity number (resident ID, credit code) is not a field at all.</summary>
public enum CodeField { Name, MaskedName, Category, City, MobileMasked, Registered, PolicyCount }

/// <summary>A kind of service provider (hospital, school, …) and the fields its scan shows.</summary>
public sealed record ProviderKindDef(string Id, string Title, IReadOnlyList<CodeField> Sees, SourcePos Pos);

/// <summary>Where a service comes from. <see cref="Note"/> says plainly what the source leaves open.</summary>
public sealed record ServiceSource(string? Seed, string Document, string? Article, string? Quote, string? Note);

/// <summary>Who qualifies: every compiled condition holds (unknown does not), and — when listed — at least one of
/// <see cref="EligibleFor"/> is 符合 in the holder's package.</summary>
public sealed class Qualification
{
    internal Qualification(string? when, IReadOnlyList<Func<double[], double, double[], double>> tests, IReadOnlyList<string> eligibleFor)
    {
        When = when;
        _tests = tests;
        EligibleFor = eligibleFor;
    }

    private readonly IReadOnlyList<Func<double[], double, double[], double>> _tests;

    /// <summary>The expression as written (without the automatic place condition).</summary>
    public string? When { get; }
    /// <summary>Policy ids (groups expanded).</summary>
    public IReadOnlyList<string> EligibleFor { get; }

    internal bool Holds(double[] row, double today, double[] pv, IReadOnlySet<string> eligible)
    {
        foreach (var t in _tests)
            if (t(row, today, pv) != 1) return false;
        return EligibleFor.Count == 0 || EligibleFor.Any(eligible.Contains);
    }
}

/// <summary>A service a talent or enterprise code grants (就医绿色通道, 子女入学, …).</summary>
public sealed record ServiceEntry(string Id, string Title, string Provider, Applicant Holder, string? City, string? County,
    string PlaceLabel, string Who, ServiceSource Source, Qualification Qualifies, SourcePos Pos);

/// <summary>One talent (enterprise) category shown on a code: the first that holds is the holder's.</summary>
public sealed record CategoryEntry(string Title, Applicant Holder, Qualification Qualifies, SourcePos Pos);

/// <summary>A holder as the code sees them on a date: category, the services granted, and the engine's package.</summary>
public sealed record HolderAssessment(string Category, IReadOnlyList<ServiceEntry> Services, Package Package);

/// <summary>catalog/services.yaml loaded and compiled against one policy catalog (its facts, definitions and policies).</summary>
public sealed class ServiceCatalog
{
    internal ServiceCatalog(PolicyCatalog catalog, string file, IReadOnlyDictionary<string, ProviderKindDef> providers,
        IReadOnlyList<ServiceEntry> services, IReadOnlyList<CategoryEntry> categories, string personDefault, string enterpriseDefault)
    {
        Catalog = catalog;
        File = file;
        Providers = providers;
        Services = services;
        Categories = categories;
        PersonDefault = personDefault;
        EnterpriseDefault = enterpriseDefault;
    }

    public PolicyCatalog Catalog { get; }
    public string File { get; }
    public IReadOnlyDictionary<string, ProviderKindDef> Providers { get; }
    public IReadOnlyList<ServiceEntry> Services { get; }
    public IReadOnlyList<CategoryEntry> Categories { get; }
    public string PersonDefault { get; }
    public string EnterpriseDefault { get; }

    /// <summary>The holder's category, granted services and package on <paramref name="date"/>, from the current
    /// profile. Throws <see cref="ProfileException"/> when the stored profile no longer reads under the catalog.</summary>
    public HolderAssessment Assess(string profileJson, DateOnly date)
    {
        var row = ProfileReader.Read(Catalog, profileJson, date);
        var package = Evaluator.Evaluate(Catalog, row, date);
        var eligible = package.Eligible.Select(r => r.Policy.Id).ToHashSet(StringComparer.Ordinal);
        var pv = Catalog.Parameters.Table.SnapshotAt(date);
        double today = date.DayNumber;
        var holder = row.Kind == Applicant.Person ? Applicant.Person : Applicant.Enterprise;
        var category = Categories.FirstOrDefault(c => c.Holder == holder && c.Qualifies.Holds(row.Values, today, pv, eligible))?.Title
            ?? (holder == Applicant.Person ? PersonDefault : EnterpriseDefault);
        var services = Services.Where(s => s.Holder == holder && s.Qualifies.Holds(row.Values, today, pv, eligible)).ToList();
        return new HolderAssessment(category, services, package);
    }
}

/// <summary>Reads catalog/services.yaml. Every mistake is reported at file:line:column, like the policy catalog.</summary>
public static class ServiceCatalogLoader
{
    public const string FileName = "services.yaml";

    private static readonly Dictionary<string, CodeField> Fields = new(StringComparer.Ordinal)
    {
        ["name"] = CodeField.Name,
        ["masked_name"] = CodeField.MaskedName,
        ["category"] = CodeField.Category,
        ["city"] = CodeField.City,
        ["mobile_masked"] = CodeField.MobileMasked,
        ["registered"] = CodeField.Registered,
        ["policy_count"] = CodeField.PolicyCount,
    };

    public static ServiceCatalog Load(PolicyCatalog catalog) => Load(Path.Combine(catalog.Root, FileName), catalog);

    public static ServiceCatalog Load(string path, PolicyCatalog catalog)
    {
        var errors = new List<CatalogError>();
        var display = Path.GetRelativePath(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(path)))!, path).Replace('\\', '/');
        if (!System.IO.File.Exists(path))
            throw new CatalogException([new CatalogError(new SourcePos(display, 1, 1), "the service catalog file is missing")]);
        var reader = new Reader(display, System.IO.File.ReadAllText(path), catalog, errors);
        var result = reader.Read();
        if (errors.Count > 0 || result == null)
            throw new CatalogException(errors.OrderBy(e => e.Pos.Line).ThenBy(e => e.Pos.Column).ToList());
        return result;
    }

    private sealed class Reader(string file, string text, PolicyCatalog catalog, List<CatalogError> errors)
    {
        private readonly Binder _binder = new(catalog.Schema, catalog.Definitions.ToDictionary(d => d.Name, StringComparer.Ordinal),
            catalog.Parameters.Table.ByName, errors);

        /// <summary>Provider kinds named by a service, even one with mistakes (so that one mistake gives one message).</summary>
        private readonly HashSet<string> _referenced = new(StringComparer.Ordinal);

        private SourcePos Pos(YamlNode n) => new(file, (int)n.Start.Line, (int)n.Start.Column);

        private void Error(YamlNode n, string message) => errors.Add(new CatalogError(Pos(n), message));

        private static YamlNode? Get(YamlMappingNode m, string key) =>
            m.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;

        private IEnumerable<(string Key, YamlNode Value, YamlNode KeyNode)> Entries(YamlMappingNode m)
        {
            foreach (var (k, v) in m.Children)
                if (k is YamlScalarNode { Value: { } key }) yield return (key, v, k);
                else Error(k, "expected a plain key");
        }

        private void CheckKeys(YamlMappingNode m, string what, params string[] allowed)
        {
            foreach (var (k, _, node) in Entries(m))
                if (!allowed.Contains(k)) Error(node, $"unknown key '{k}' in {what}: expected one of {string.Join(", ", allowed)}");
        }

        private string? Str(YamlMappingNode m, string key, string what, bool required = false)
        {
            switch (Get(m, key))
            {
                case null:
                    if (required) Error(m, $"{what} needs '{key}'");
                    return null;
                case YamlScalarNode { Value: { } v } when v.Trim().Length > 0: return v.Trim();
                case var n:
                    Error(n, $"'{key}' in {what} must be a non-empty single value");
                    return null;
            }
        }

        private List<(string Value, YamlNode Node)> List(YamlMappingNode m, string key, string what)
        {
            switch (Get(m, key))
            {
                case null: return [];
                case YamlSequenceNode s:
                    var list = new List<(string, YamlNode)>();
                    foreach (var c in s.Children)
                        if (c is YamlScalarNode { Value: { Length: > 0 } v }) list.Add((v.Trim(), c));
                        else Error(c, $"each item of '{key}' in {what} must be a single value");
                    return list;
                case var n:
                    Error(n, $"'{key}' in {what} must be a list [a, b]");
                    return [];
            }
        }

        public ServiceCatalog? Read()
        {
            YamlMappingNode root;
            try
            {
                var stream = new YamlStream();
                stream.Load(new StringReader(text));
                if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode r)
                {
                    errors.Add(new CatalogError(new SourcePos(file, 1, 1), "expected a mapping with providers, categories and services"));
                    return null;
                }
                root = r;
            }
            catch (YamlException ye)
            {
                var msg = ye.InnerException?.Message ?? ye.Message;
                int k = msg.LastIndexOf("): ", StringComparison.Ordinal);
                errors.Add(new CatalogError(new SourcePos(file, (int)ye.Start.Line, (int)ye.Start.Column), "YAML syntax error: " + (k >= 0 ? msg[(k + 3)..] : msg)));
                return null;
            }
            CheckKeys(root, "the service catalog", "providers", "categories", "services");

            var providers = new Dictionary<string, ProviderKindDef>(StringComparer.Ordinal);
            if (Get(root, "providers") is YamlMappingNode pm)
                foreach (var (id, node, keyNode) in Entries(pm))
                {
                    if (node is not YamlMappingNode m) { Error(keyNode, $"provider kind '{id}' must be a mapping with title and sees"); continue; }
                    if (!Regex.IsMatch(id, "^[a-z][a-z0-9_]*$")) Error(keyNode, $"provider kind '{id}' must use lower-case letters, digits and '_'");
                    CheckKeys(m, $"provider kind '{id}'", "title", "sees");
                    var sees = new List<CodeField>();
                    foreach (var (f, fn) in List(m, "sees", $"provider kind '{id}'"))
                    {
                        if (Fields.TryGetValue(f, out var field)) { if (!sees.Contains(field)) sees.Add(field); }
                        else if (f.Contains("id", StringComparison.OrdinalIgnoreCase) || f.Contains("credit", StringComparison.OrdinalIgnoreCase))
                            Error(fn, $"'{f}': an identity number (resident ID, credit code) is never shown to a service provider");
                        else Error(fn, $"unknown field '{f}': expected one of {string.Join(", ", Fields.Keys)}");
                    }
                    providers[id] = new ProviderKindDef(id, Str(m, "title", $"provider kind '{id}'", true) ?? id, sees, Pos(keyNode));
                }
            else Error(root, "missing 'providers' (a mapping of provider kinds)");

            var categories = new List<CategoryEntry>();
            string personDefault = "已建档人才", enterpriseDefault = "已建档企业";
            if (Get(root, "categories") is YamlMappingNode cm)
            {
                CheckKeys(cm, "categories", "person", "enterprise", "person_default", "enterprise_default");
                personDefault = Str(cm, "person_default", "categories") ?? personDefault;
                enterpriseDefault = Str(cm, "enterprise_default", "categories") ?? enterpriseDefault;
                foreach (var (holder, key) in new[] { (Applicant.Person, "person"), (Applicant.Enterprise, "enterprise") })
                {
                    if (Get(cm, key) is not { } list) continue;
                    if (list is not YamlSequenceNode seq) { Error(list, $"categories.{key} must be a list"); continue; }
                    foreach (var item in seq.Children)
                    {
                        if (item is not YamlMappingNode m) { Error(item, "each category must be a mapping with title and when / eligible_for"); continue; }
                        CheckKeys(m, "a category", "title", "when", "eligible_for");
                        var title = Str(m, "title", "a category", true) ?? "";
                        if (Qualifies(m, holder, null, null, $"category '{title}'") is { } q) categories.Add(new CategoryEntry(title, holder, q, Pos(m)));
                    }
                }
            }

            var services = new List<ServiceEntry>();
            if (Get(root, "services") is YamlSequenceNode sm)
                foreach (var item in sm.Children)
                {
                    if (item is not YamlMappingNode m) { Error(item, "each service must be a mapping"); continue; }
                    if (ReadService(m, providers) is { } s)
                    {
                        if (services.Any(x => x.Id == s.Id)) Error(m, $"service id '{s.Id}' is used twice");
                        services.Add(s);
                    }
                }
            else Error(root, "missing 'services' (a list)");
            foreach (var p in providers.Values.Where(p => !_referenced.Contains(p.Id)))
                errors.Add(new CatalogError(p.Pos, $"provider kind '{p.Id}' has no service"));

            return new ServiceCatalog(catalog, file, providers, services, categories, personDefault, enterpriseDefault);
        }

        private ServiceEntry? ReadService(YamlMappingNode m, Dictionary<string, ProviderKindDef> providers)
        {
            CheckKeys(m, "a service", "id", "title", "provider", "holder", "city", "county", "who", "when", "eligible_for", "source");
            var id = Str(m, "id", "a service", true) ?? "";
            var what = $"service '{id}'";
            if (id.Length > 0 && !Regex.IsMatch(id, "^[a-z0-9][a-z0-9_.-]*$"))
                Error(Get(m, "id")!, $"service id '{id}' must use lower-case letters, digits, '.', '_' and '-'");
            var title = Str(m, "title", what, true) ?? id;
            var provider = Str(m, "provider", what, true) ?? "";
            _referenced.Add(provider);
            if (provider.Length > 0 && !providers.ContainsKey(provider))
                Error(Get(m, "provider")!, $"{what}: unknown provider kind '{provider}' (declare it under providers: {string.Join(", ", providers.Keys)})");
            var holderText = Str(m, "holder", what) ?? "person";
            Applicant holder = holderText switch { "person" => Applicant.Person, "enterprise" => Applicant.Enterprise, _ => Applicant.Organisation };
            if (holder == Applicant.Organisation) { Error(Get(m, "holder")!, $"{what}: holder must be person or enterprise, found '{holderText}'"); holder = Applicant.Person; }
            var who = Str(m, "who", what, true) ?? "";

            ServiceSource? source = null;
            if (Get(m, "source") is YamlMappingNode sn)
            {
                CheckKeys(sn, $"the source of {what}", "seed", "document", "article", "quote", "note");
                var quote = Str(sn, "quote", $"the source of {what}");
                var note = Str(sn, "note", $"the source of {what}");
                if (quote == null && note == null) Error(sn, $"the source of {what} needs a quote, or a note saying the source gives no detail");
                source = new ServiceSource(Str(sn, "seed", $"the source of {what}"), Str(sn, "document", $"the source of {what}", true) ?? "",
                    Str(sn, "article", $"the source of {what}"), quote, note);
            }
            else Error(m, $"{what} needs 'source' (document, article, quote or note)");

            string? city = null, county = null;
            var place = "浙江省";
            var cityEnum = catalog.Schema.Enums.GetValueOrDefault("city");
            var countyEnum = catalog.Schema.Enums.GetValueOrDefault("county");
            if (Str(m, "city", what, true) is { } c && c != "all")
            {
                if (cityEnum?.Find(c) is { } cityMember) { city = c; place = cityMember.Label; }
                else Error(Get(m, "city")!, $"{what}: unknown city '{c}' (expected all or a member of enum city)");
            }
            if (Str(m, "county", what) is { } k)
            {
                if (countyEnum?.Find(k) is not { } countyMember) Error(Get(m, "county")!, $"{what}: unknown county '{k}'");
                else if (city == null || countyMember.Parent != city) Error(Get(m, "county")!, $"{what}: county '{k}' is not in city '{city ?? "all"}'");
                else { county = k; place += countyMember.Label; }
            }
            var q = Qualifies(m, holder, city, county, what);
            if (source == null || q == null) return null;
            return new ServiceEntry(id, title, provider, holder, city, county, place, who, source, q, Pos(m));
        }

        /// <summary>The place condition (from city/county), the when expression, and eligible_for, compiled.</summary>
        private Qualification? Qualifies(YamlMappingNode m, Applicant holder, string? city, string? county, string what)
        {
            var tests = new List<Func<double[], double, double[], double>>();
            bool ok = true;
            var section = holder == Applicant.Person ? "work" : "enterprise";
            if (city != null) ok &= Compile($"{section}.city == \"{city}\"", Pos(Get(m, "city")!), tests);
            if (county != null) ok &= Compile($"{section}.county == \"{county}\"", Pos(Get(m, "county")!), tests);
            string? when = null;
            if (Get(m, "when") is { } wn)
            {
                if (ExprSource(wn) is { } src) { when = src.Text.Trim(); ok &= Compile(src.Text, src.Start, tests); }
                else ok = false;
            }
            var eligibleFor = new List<string>();
            foreach (var (name, node) in List(m, "eligible_for", what))
            {
                if (name.StartsWith("group:", StringComparison.Ordinal))
                {
                    var g = name[6..];
                    var members = catalog.Policies.Where(p => p.Group?.Id == g).ToList();
                    if (members.Count == 0) { Error(node, $"{what}: no policy of the catalog is in group '{g}'"); ok = false; continue; }
                    if (members.Any(p => p.Applicant != holder)) Error(node, $"{what}: group '{g}' has policies for another kind of applicant");
                    eligibleFor.AddRange(members.Select(p => p.Id));
                }
                else if (catalog.ById.TryGetValue(name, out var p))
                {
                    if (p.Applicant != holder) Error(node, $"{what}: policy '{name}' is for {p.Applicant.ToString().ToLowerInvariant()} applicants");
                    eligibleFor.Add(name);
                }
                else { Error(node, $"{what}: unknown policy '{name}' (write a policy id, or group:<group id>)"); ok = false; }
            }
            if (when == null && eligibleFor.Count == 0 && Get(m, "eligible_for") == null && Get(m, "when") == null && city == null)
                Error(m, $"{what} needs 'when' or 'eligible_for': say who qualifies");
            return ok ? new Qualification(when, tests, eligibleFor.Distinct().ToList()) : null;
        }

        private bool Compile(string source, SourcePos start, List<Func<double[], double, double[], double>> tests)
        {
            var before = errors.Count;
            var syntax = TalentOne.Policies.Language.Parser.Parse(source, start, errors);
            if (syntax == null) return false;
            var bound = _binder.Bind(syntax, BaseType.Bool, "a condition");
            if (bound == null || errors.Count > before) return false;
            var emitter = new RowEmitter(catalog.Parameters);
            tests.Add(E.Lambda<Func<double[], double, double[], double>>(emitter.BoolValue(bound), emitter.Row, emitter.TodayParam, emitter.Pv).Compile());
            return true;
        }

        /// <summary>The exact text of an expression scalar and the position of its first character, so that parse and
        /// type errors point into the file (folded scalars start on the next line).</summary>
        private (string Text, SourcePos Start)? ExprSource(YamlNode n)
        {
            if (n is not YamlScalarNode { Value: { } value } s) { Error(n, "expected an expression"); return null; }
            int start = (int)s.Start.Index, end = (int)s.End.Index;
            switch (s.Style)
            {
                case ScalarStyle.Plain when end > start && end <= text.Length:
                    return (text[start..end], Pos(s));
                case ScalarStyle.Literal or ScalarStyle.Folded:
                    int nl = text.IndexOf('\n', start);
                    // Folded lines are joined with spaces in the value; parse the raw lines so positions stay true.
                    return nl < 0 || nl >= end ? (value, Pos(s)) : (text[(nl + 1)..end], new SourcePos(file, (int)s.Start.Line + 1, 1));
                case ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted:
                    return (value, new SourcePos(file, (int)s.Start.Line, (int)s.Start.Column + 1));
                default:
                    return (value, Pos(s));
            }
        }
    }

    /// <summary>Compiles a condition over a profile row; definitions of the policy files are inlined (they are
    /// acyclic), so the row needs only the facts that <see cref="ProfileReader"/> fills.</summary>
    private sealed class RowEmitter(ParameterHolder holder) : TalentOne.Policies.Language.Emitter(holder)
    {
        public ParameterExpression Row { get; } = E.Parameter(typeof(double[]), "row");
        public ParameterExpression TodayParam { get; } = E.Parameter(typeof(double), "today");
        public ParameterExpression Pv { get; } = E.Parameter(typeof(double[]), "pv");
        public override E Today => TodayParam;
        public override E ParamSnapshot => Pv;
        public override E Slot(int slot) => E.ArrayIndex(Row, E.Constant(slot));
        public override E DefinitionValue(Definition d) => d.Body!.Type.Base == BaseType.Bool ? BoolValue(d.Body) : Value(d.Body);
    }
}

/// <summary>The service catalog for the policy catalog in force: loaded once per policy catalog and again when
/// services.yaml changes on disk. A file that does not load is reported, and the last good one stays in use.</summary>
public sealed class ServiceCatalogCache
{
    private readonly Lock _gate = new();
    private (PolicyCatalog Catalog, DateTime Written, ServiceCatalog? Services, IReadOnlyList<string> Errors)? _last;

    /// <summary>The service catalog for <paramref name="catalog"/>, or null with the load errors.</summary>
    public ServiceCatalog? For(PolicyCatalog catalog, out IReadOnlyList<string> errors)
    {
        var path = Path.Combine(catalog.Root, ServiceCatalogLoader.FileName);
        var written = System.IO.File.Exists(path) ? System.IO.File.GetLastWriteTimeUtc(path) : DateTime.MinValue;
        lock (_gate)
        {
            if (_last is { } l && ReferenceEquals(l.Catalog, catalog) && l.Written == written)
            {
                errors = l.Errors;
                return l.Services;
            }
            ServiceCatalog? loaded = null;
            IReadOnlyList<string> found = [];
            try { loaded = ServiceCatalogLoader.Load(path, catalog); }
            catch (CatalogException ce) { found = ce.Errors.Select(e => e.ToString()).ToList(); }
            // Keep the previous good file for this catalog if the edit on disk is broken.
            if (loaded == null && _last is { Services: { } previous } p && ReferenceEquals(p.Catalog, catalog)) loaded = previous;
            _last = (catalog, written, loaded, found);
            errors = found;
            return loaded;
        }
    }
}
