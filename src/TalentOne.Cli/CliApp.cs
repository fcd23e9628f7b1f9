using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using TalentOne.Policies.Catalog;
using TalentOne.Policies.Evaluation;
using TalentOne.Policies.Language;
using TalentOne.Policies.Profiles;
using TalentOne.Registry.Certification;

namespace TalentOne.Cli;

/// <summary>The command line: match, catalog check / test / list. Exit codes: 0 ok, 1 failures, 2 usage or input errors.</summary>
public static class CliApp
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
    };

    private const string Usage = """
        TalentOne command line

          talentone match --profile FILE [--date yyyy-mm-dd] [--json] [--catalog DIR]
          talentone catalog check [--catalog DIR]   (policies, schema, parameters and certification routes)
          talentone catalog test  [--catalog DIR]
          talentone catalog list  [--catalog DIR]
          talentone admin create --user NAME [--name 显示名] [--department ID]
                                 (password from $TALENTONE_ADMIN_PASSWORD or standard input)
          talentone sweep [--date yyyy-mm-dd] [--batch N]   eligibility sweep of every registered subject (成熟激活)
          talentone outbox dispatch                          send the notices that are due (SMS, in-app)
          talentone ledger verify | sign | proof (--case N | --subject N) --out FILE | verify-proof FILE [--key KEYID]

        --catalog defaults to $TALENTONE_CATALOG or the nearest ./catalog directory.
        Commands on the database read TalentOne__Database and ConnectionStrings__TalentOne like the web host
        (or --database sqlite|postgres --connection STRING); by default the SQLite file data/talentone.db.
        """;

    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr) => RunAsync(args, Console.In, stdout, stderr);

    public static async Task<int> RunAsync(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        Console.OutputEncoding = System.Text.Encoding.UTF8;
        var (positional, options, flags) = Parse(args);
        try
        {
            return positional switch
            {
                ["match"] => Match(options, flags, stdout, stderr),
                ["catalog", "check"] => CatalogCheck(options, stdout, stderr),
                ["catalog", "test"] => CatalogTest(options, stdout, stderr),
                ["catalog", "list"] => CatalogList(options, stdout, stderr),
                ["admin", "create"] => await AdminCommands.CreateAsync(options, stdin, stdout, stderr),
                ["sweep"] => await SweepCommands.SweepAsync(options, stdout, stderr),
                ["outbox", "dispatch"] => await SweepCommands.DispatchAsync(options, stdout, stderr),
                ["ledger", "verify"] => await LedgerCommands.VerifyAsync(options, stdout, stderr),
                ["ledger", "sign"] => await LedgerCommands.SignAsync(options, stdout, stderr),
                ["ledger", "proof"] => await LedgerCommands.ProofAsync(options, stdout, stderr),
                ["ledger", "verify-proof", var file] => await LedgerCommands.VerifyProofAsync(file, options, stdout, stderr),
                _ => UsageError(stderr),
            };
        }
        catch (CatalogException ce)
        {
            foreach (var e in ce.Errors) await stderr.WriteLineAsync(e.ToString());
            await stderr.WriteLineAsync($"catalog has {ce.Errors.Count} error(s)");
            return 1;
        }
    }

    private static int UsageError(TextWriter stderr) { stderr.WriteLine(Usage); return 2; }

    private static (string[] Positional, Dictionary<string, string> Options, HashSet<string> Flags) Parse(string[] args)
    {
        var pos = new List<string>();
        var opts = new Dictionary<string, string>(StringComparer.Ordinal);
        var flags = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] is "--json" or "--help" or "-h") flags.Add(args[i].TrimStart('-'));
            else if (args[i].StartsWith("--", StringComparison.Ordinal) && i + 1 < args.Length) opts[args[i][2..]] = args[++i];
            else pos.Add(args[i]);
        }
        return (pos.ToArray(), opts, flags);
    }

    public static string FindCatalog(Dictionary<string, string> options)
    {
        if (options.TryGetValue("catalog", out var c)) return c;
        if (Environment.GetEnvironmentVariable("TALENTONE_CATALOG") is { Length: > 0 } env) return env;
        return PlatformHome.Catalog(Directory.GetCurrentDirectory());
    }

    private static int CatalogCheck(Dictionary<string, string> o, TextWriter stdout, TextWriter stderr)
    {
        var catalog = CatalogLoader.Load(FindCatalog(o));
        var certification = CertificationCatalog.Load(catalog);
        var services = TalentOne.Registry.Codes.ServiceCatalogLoader.Load(catalog);
        var calendar = new TalentOne.Registry.Calendar.WorkingCalendar(TalentOne.Registry.Calendar.CalendarFiles.Load(catalog.Root));
        var items = TalentOne.Registry.Cases.ItemCatalog.Load(catalog);
        stdout.WriteLine($"catalog OK: {catalog.Documents.Count} documents, {catalog.Policies.Count} policies, " +
            $"{catalog.Policies.Sum(p => p.Tests.Count) + catalog.PackageTests.Count} tests, {catalog.Schema.Facts.Count} facts, " +
            $"{catalog.Parameters.Table.Parameters.Count} parameters, {certification.Routes.Count} certification routes, " +
            $"{services.Services.Count} code services for {services.Providers.Count} provider kinds, " +
            $"working calendar {calendar.First.Year}–{calendar.Last.Year} ({calendar.Years.Sum(y => y.Holidays.Count)} holidays), " +
            $"{items.Items.Count} service items in {items.Bundles.Count} bundles, version {catalog.Version}");
        return 0;
    }

    private static int CatalogTest(Dictionary<string, string> o, TextWriter stdout, TextWriter stderr)
    {
        var catalog = CatalogLoader.Load(FindCatalog(o));
        int pass = 0, fail = 0;
        foreach (var r in CatalogTests.RunAll(catalog))
        {
            if (r.Passed) { pass++; continue; }
            fail++;
            stderr.WriteLine($"{r.Pos}: FAIL {r.PolicyId} — {r.Name}: {r.Failure}");
        }
        foreach (var r in CertificationCatalog.Load(catalog).RunTests())
        {
            if (r.Passed) { pass++; continue; }
            fail++;
            stderr.WriteLine($"{r.Pos}: FAIL {r.RouteId} — {r.Name}: {r.Failure}");
        }
        stdout.WriteLine($"{pass} passed, {fail} failed");
        return fail == 0 ? 0 : 1;
    }

    private static int CatalogList(Dictionary<string, string> o, TextWriter stdout, TextWriter stderr)
    {
        var catalog = CatalogLoader.Load(FindCatalog(o));
        foreach (var p in catalog.Policies)
            stdout.WriteLine($"{p.Id,-48} {p.Document.Number} {p.Article}  {p.Title}");
        stdout.WriteLine($"{catalog.Policies.Count} policies");
        return 0;
    }

    private static int Match(Dictionary<string, string> o, HashSet<string> flags, TextWriter stdout, TextWriter stderr)
    {
        if (!o.TryGetValue("profile", out var file)) return UsageError(stderr);
        var date = DateOnly.FromDateTime(DateTime.Today);
        if (o.TryGetValue("date", out var ds) && !DateOnly.TryParseExact(ds, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
        {
            stderr.WriteLine($"--date: '{ds}' is not a date (yyyy-mm-dd)");
            return 2;
        }
        if (!File.Exists(file)) { stderr.WriteLine($"--profile: file not found: {file}"); return 2; }
        var catalog = CatalogLoader.Load(FindCatalog(o));
        Package package;
        try { package = Evaluator.Evaluate(catalog, File.ReadAllText(file), date); }
        catch (ProfileException pe)
        {
            if (flags.Contains("json"))
                stderr.WriteLine(JsonSerializer.Serialize(new { title = "档案数据有误", status = 400, errors = pe.Errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()) }, Json));
            else
                foreach (var e in pe.Errors) stderr.WriteLine($"{e.Field}: {e.Message}");
            return 2;
        }
        if (flags.Contains("json")) { stdout.WriteLine(JsonSerializer.Serialize(PackageDto.From(package), Json)); return 0; }
        Print(package, stdout);
        return 0;
    }

    private static void Print(Package p, TextWriter w)
    {
        w.WriteLine($"政策包（评估日 {p.Date:yyyy-MM-dd}，目录版本 {p.CatalogVersion}）");
        w.WriteLine($"合计可享受 {Package.Money(p.Total)} 元（首年 {Package.Money(p.FirstYearTotal)} 元）");
        w.WriteLine();
        w.WriteLine($"【符合】{p.Eligible.Count()} 项");
        foreach (var r in p.Eligible)
        {
            w.WriteLine($"  ✓ {r.Policy.Title}：{Renderer.Number(r.Amount ?? 0)} {r.Policy.Amount.Unit}，{Package.ScheduleText(r.Policy.Amount)}" +
                (r.Total != r.Amount ? $"，合计 {Renderer.Number(r.Total ?? 0)}" : "") + $"（{r.Policy.Payer ?? "—"}）");
            foreach (var c in r.CapsApplied) w.WriteLine($"      封顶：{c.Label}，{Renderer.Number(c.Limit)}");
            if (r.ExcludedByGroupNote != null) w.WriteLine($"      {r.ExcludedByGroupNote}");
            w.WriteLine($"      依据：{r.Policy.Document.Number} {r.Policy.Article}：{r.Policy.Quote}");
        }
        w.WriteLine($"【接近符合】{p.Nearly.Count()} 项");
        foreach (var r in p.Nearly)
        {
            w.WriteLine($"  ~ {r.Policy.Title}" + (r.EligibleOn is { } on ? $"：{on:yyyy-MM-dd} 起符合（{r.EligibleOnReason}）" : ""));
            foreach (var c in r.Failed) w.WriteLine($"      还差：{c.Clause.Label}（{c.Actual}）");
        }
        w.WriteLine($"【需补充信息】{p.NeedsInfo.Count()} 项");
        foreach (var r in p.NeedsInfo)
            w.WriteLine($"  ? {r.Policy.Title}：需要 {string.Join("、", r.Missing.Select(m => m.Label))}");
        w.WriteLine($"【不符合】{p.Ineligible.Count()} 项");
        foreach (var r in p.Ineligible)
            w.WriteLine($"  ✗ {r.Policy.Title}：{string.Join("；", r.Failed.Select(c => $"{c.Clause.Label}（{c.Actual}）"))}{(r.NotInForce ? "（不在施行期内）" : "")}");
    }
}
