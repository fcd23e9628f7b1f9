using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;
using TalentOne.Registry.Ledger;
using TalentOne.Registry.Records;

namespace TalentOne.Bench;

/// <summary>
/// `cases-http [N=10000] [rate=250] [connections=32] [applicants=1000] [--warmup 5000] [--closed 1,4,16,64]
/// [--closed-seconds 10] [--pg-stat] [--sql-log] [--perf FILE] [--host-env NAME=VALUE] [--web-bin DIR] [--keep] [--no-build]`: 一件事 submissions through the HTTP API of the real web host on PostgreSQL (issue 4 §8:
/// 10,000 bundle applications of 8 items at ≥ 200/s with p99 ≤ 200 ms).
///
/// Starts a throwaway PostgreSQL (<see cref="ThrowawayPostgres"/>: fsync and synchronous_commit on) and the Release
/// build of src/TalentOne.Web as a separate process on a loopback port, with its own keys, SMS log and host log in a
/// temporary folder (daily sweep off, outbox dispatcher and ledger signer running as in production). Setup (untimed):
/// registers the applicants through the API (POST /api/v1/account/register/person — password hashing included) and
/// uploads each one's five core materials once into the vault (POST /api/v1/me/materials). Then, over HTTP/1.1
/// keep-alive connections, a warm-up, the timed OPEN-LOOP run (request i is due at t0 + i/rate and its latency counts
/// from that moment, so a slow server cannot slow the schedule down: no coordinated omission), a correctness check on
/// the database, closed-loop runs at a few concurrency levels for the maximum throughput, and a final check with the
/// verification of the whole ledger chain. Any failed request or check makes the exit code non-zero.
/// </summary>
public static class CasesHttpBench
{
    public const string Bundle = "hangzhou.graduate_startup";

    /// <summary>Ticked items; the planner adds 大学生参保登记 and 大学生落户 as prerequisites: 8 items, 3 queued at once
    /// (并联: 参保登记, 落户, 人事档案转移) and 5 waiting for their prerequisites (串联).</summary>
    public static readonly string[] Ticked =
    [
        "hz.grad.residence_permit", "hz.grad.social_card", "hz.grad.medical_insurance", "hz.grad.living_allowance",
        "hz.grad.public_rental", "hz.grad.archive_transfer",
    ];

    private const int ItemsPerCase = 8, QueuedPerCase = 3, WaitingPerCase = 5;
    private const string Password = "Bench-load-2026";

    public static async Task<int> RunAsync(string[] args)
    {
        var positional = new List<string>();
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 1; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) { positional.Add(args[i]); continue; }
            var name = args[i][2..];
            var value = name is "pg-stat" or "sql-log" or "no-build" or "keep" ? "true" : i + 1 < args.Length ? args[++i] : "";
            // --host-env NAME=VALUE (repeatable): an extra environment variable for the web host (experiments)
            options[name] = name == "host-env" && options.TryGetValue(name, out var earlier) ? earlier + "\n" + value : value;
        }
        int n = positional.Count > 0 ? int.Parse(positional[0], CultureInfo.InvariantCulture) : 10_000;
        double rate = positional.Count > 1 ? double.Parse(positional[1], CultureInfo.InvariantCulture) : 250;
        int connections = positional.Count > 2 ? int.Parse(positional[2], CultureInfo.InvariantCulture) : 32;
        int applicantCount = positional.Count > 3 ? int.Parse(positional[3], CultureInfo.InvariantCulture) : 1_000;
        int[] levels = (options.GetValueOrDefault("closed") ?? "1,4,16,64").Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => int.Parse(s, CultureInfo.InvariantCulture)).Where(c => c > 0).ToArray();
        double closedSeconds = options.TryGetValue("closed-seconds", out var cs0) ? double.Parse(cs0, CultureInfo.InvariantCulture) : 10;
        // The host's JIT (tiered, with PGO) keeps recompiling for the first few thousand submissions; after 5,000 it has
        // settled (perf map growth), so the timed run sees the host as it runs for hours.
        int warmup = options.TryGetValue("warmup", out var w0) ? int.Parse(w0, CultureInfo.InvariantCulture) : Math.Min(5_000, n / 2);

        var failures = new List<string>();
        var total = Stopwatch.StartNew();
        if (!options.ContainsKey("no-build") && !options.ContainsKey("web-bin")) await BuildWebAsync();
        var work = Path.Combine(Path.GetTempPath(), "talentone-cases-http-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(work);
        bool pgStat = options.ContainsKey("pg-stat");
        await using var pg = await ThrowawayPostgres.StartAsync(pgStat ? "-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all" : "");
        var cs = await pg.CreateDatabaseAsync("talentone_http");
        Console.WriteLine($"PostgreSQL {pg.Version} on port {pg.Port} ({pg.DataDir}); durability: fsync={await pg.ScalarAsync(cs, "SHOW fsync")}, " +
            $"synchronous_commit={await pg.ScalarAsync(cs, "SHOW synchronous_commit")}, full_page_writes={await pg.ScalarAsync(cs, "SHOW full_page_writes")}");

        var hostEnv = (options.GetValueOrDefault("host-env") ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(e => e.Split('=', 2)).ToList();
        var bin = Path.GetFullPath(options.GetValueOrDefault("web-bin") ?? Path.Combine(Paths.Root, "src", "TalentOne.Web", "bin", "Release", "net10.0"));
        await using var host = await WebHost.StartAsync(bin, cs, work, options.ContainsKey("sql-log"), options.ContainsKey("perf"), hostEnv);
        Console.WriteLine($"web host pid {host.Pid} at {host.BaseAddress} (log {host.LogFile})");
        try
        {
            using var setupHttp = Client(host.BaseAddress, 8);
            var sw = Stopwatch.StartNew();
            var applicants = await RegisterAsync(setupHttp, applicantCount);
            Console.WriteLine($"setup: {applicants.Count:N0} applicants registered through the API in {sw.Elapsed.TotalSeconds:F1} s");
            sw.Restart();
            var plan = await PlanAsync(setupHttp, applicants[0]);
            await UploadAsync(setupHttp, applicants, plan);
            Console.WriteLine($"setup: {applicants.Count * plan.Uploaded.Count:N0} core materials uploaded into the vaults in {sw.Elapsed.TotalSeconds:F1} s " +
                $"({string.Join(", ", plan.Uploaded)}; committed instead: {string.Join(", ", plan.Committed)})");
            if (pgStat) await pg.ExecuteAsync(cs, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");

            var uri = new Uri(host.BaseAddress, "/api/v1/cases");
            using var http = Client(host.BaseAddress, connections);
            var results = new List<Run>();

            // warm-up: the host's JIT tiers up, the connections open (untimed, not counted)
            if (warmup > 0)
            {
                var warm = Enumerable.Range(0, warmup).Select(i => Request(applicants[i % applicants.Count], plan, $"warm-{i:D6}")).ToList();
                var wr = await OpenLoopAsync(http, uri, warm, rate, "warm-up");
                Console.WriteLine($"warm-up: {wr.Summary()}");
                if (wr.Errors.Count > 0) failures.Add($"warm-up: {wr.ErrorText()}");
                await Task.Delay(2_000);
            }

            // the timed open-loop run
            var timed = Enumerable.Range(0, n).Select(i => Request(applicants[i % applicants.Count], plan, $"open-{i:D6}")).ToList();
            Report.WaitForQuietMachine("cases-http open loop", maxSeconds: 60);
            var cpu0 = Cpu(host, pg);
            if (pgStat) await pg.ExecuteAsync(cs, "SELECT pg_stat_statements_reset()");
            using var perf = options.TryGetValue("perf", out var perfFile) ? Perf.Start(Path.GetFullPath(perfFile)) : null;
            var open = await OpenLoopAsync(http, uri, timed, rate, $"open loop {rate:F0}/s");
            if (perf != null) await perf.StopAsync();
            var cpu1 = Cpu(host, pg);
            open.Others = Others(cpu0, cpu1);
            results.Add(open);
            Console.WriteLine($"open loop: {open.Summary()}");
            if (open.Errors.Count > 0) failures.Add($"open loop: {open.ErrorText()}");
            string? topStatements = pgStat ? await TopStatementsAsync(pg, cs) : null;

            await CheckAsync(cs, "open-", n, failures);

            // closed loop: each of c connections sends the next request as soon as the previous answer arrives
            int serial = 0;
            foreach (var c in levels)
            {
                using var closedHttp = Client(host.BaseAddress, c);
                var before = Cpu(host, pg);
                var r = await ClosedLoopAsync(closedHttp, uri, c, closedSeconds,
                    () => { int k = Interlocked.Increment(ref serial); return Request(applicants[k % applicants.Count], plan, $"closed-{c}-{k:D6}"); });
                r.Others = Others(before, Cpu(host, pg));
                results.Add(r);
                Console.WriteLine($"closed loop, {c} connection(s): {r.Summary()}");
                if (r.Errors.Count > 0) failures.Add($"closed loop {c}: {r.ErrorText()}");
            }

            // final check: every case of the run, the whole chain verified with the host's own key
            await Task.Delay(2_500); // the host's signer signs the head once a second
            int expectedAll = results.Sum(r => r.Ok) + warmup;
            await CheckAsync(cs, "", expectedAll, failures);
            var ledger = await VerifyLedgerAsync(cs, host.KeysFolder, failures);

            // the report
            var lines = new List<string>
            {
                $"{n:N0} bundle applications of {ItemsPerCase} items through POST /api/v1/cases, real web host (Release) on PostgreSQL {pg.Version}; " +
                $"{applicants.Count:N0} applicants; open loop at {rate:F0}/s over {connections} HTTP/1.1 keep-alive connections; warm-up {warmup:N0}",
                "",
                "| run | requests | errors | throughput | p50 | p90 | p99 | p99.9 | max | other processes |",
                "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
            };
            lines.AddRange(results.Select(r => r.Row()));
            lines.Add("");
            lines.Add($"open loop: scheduled over {open.ScheduledSeconds:F1} s, last answer after {open.Seconds:F1} s; driver lateness in sending " +
                $"p99 {open.LagP99Ms:F1} ms, max {open.LagMaxMs:F1} ms (counted in the latencies)");
            lines.Add($"CPU during the open loop ({cpu1.Wall - cpu0.Wall:F1} s wall, {Environment.ProcessorCount} cores = {(cpu1.Wall - cpu0.Wall) * Environment.ProcessorCount:F0} core-s): " +
                $"web host {cpu1.Host - cpu0.Host:F1} s, PostgreSQL {cpu1.Pg - cpu0.Pg:F1} s, driver {cpu1.Driver - cpu0.Driver:F1} s, " +
                $"per request: host {(cpu1.Host - cpu0.Host) * 1000 / n:F2} ms, PostgreSQL {(cpu1.Pg - cpu0.Pg) * 1000 / n:F2} ms; " +
                $"other processes {Math.Max(0, cpu1.MachineBusy - cpu0.MachineBusy - (cpu1.Host - cpu0.Host) - (cpu1.Pg - cpu0.Pg) - (cpu1.Driver - cpu0.Driver)):F1} core-s " +
                $"({Math.Max(0, cpu1.MachineBusy - cpu0.MachineBusy - (cpu1.Host - cpu0.Host) - (cpu1.Pg - cpu0.Pg) - (cpu1.Driver - cpu0.Driver)) / ((cpu1.Wall - cpu0.Wall) * Environment.ProcessorCount):P0} of the machine)");
            // Met when the schedule is at least 200/s, the host kept up with it (answers came at ≥ 99 % of the scheduled rate:
            // the last request's latency stretches the measured time a little), nothing failed and p99 ≤ 200 ms.
            bool keptUp = open.Throughput >= 0.99 * rate;
            bool met = rate >= 200 && keptUp && open.P(0.99) <= 200 && open.Errors.Count == 0;
            lines.Add($"target (≥ 200/s, p99 ≤ 200 ms): {(met ? "met" : "NOT MET")} — scheduled {rate:F0}/s, answered {open.Throughput:F1}/s " +
                $"({(keptUp ? "kept up" : "fell behind")}), p99 {open.P(0.99):F1} ms, {open.Count - open.Ok} failed");
            lines.Add($"correctness: {(failures.Count == 0 ? "every check passed" : "FAILED")}; ledger: {ledger}");
            lines.Add($"machine: {Environment.ProcessorCount} cores ({CpuModel()}), shared by the driver, the web host and PostgreSQL; " +
                $"{RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}; PostgreSQL {pg.Version} (fsync on, synchronous_commit on); " +
                $"whole benchmark {total.Elapsed.TotalMinutes:F1} min");
            if (topStatements != null) { lines.Add(""); lines.Add(topStatements); }
            Console.WriteLine();
            foreach (var l in lines) Report.Line("cases-http", l);
        }
        catch (Exception e)
        {
            failures.Add("the run stopped: " + e);
            Console.WriteLine("host log (last lines):");
            foreach (var l in host.Tail(40)) Console.WriteLine("  " + l);
        }
        if (host.Errors() is { Count: > 0 } errs)
            Console.WriteLine($"host log has {errs.Count} error line(s) besides the first start's migration probe, first: {errs[0]}");
        if (failures.Count == 0)
        {
            if (!options.ContainsKey("keep")) { await host.DisposeAsync(); TryDelete(work); }
            return 0;
        }
        Console.Error.WriteLine($"host log and keys kept in {work}");
        Console.Error.WriteLine("FAILED:");
        foreach (var f in failures) Console.Error.WriteLine("  " + f);
        return 1;
    }

    private static void TryDelete(string dir)
    {
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>`perf record` of the whole machine (every process: host, PostgreSQL, driver) while the open loop runs;
    /// the host writes /tmp/perf-PID.map for its JIT-compiled code (DOTNET_PerfMapEnabled). Profiling aid only.</summary>
    private sealed class Perf : IDisposable
    {
        private readonly Process _p;
        private Perf(Process p) { _p = p; }

        public static Perf Start(string file)
        {
            var psi = new ProcessStartInfo("perf") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var a in new[] { "record", "-F", "499", "-g", "-a", "-o", file }) psi.ArgumentList.Add(a);
            var p = Process.Start(psi)!;
            _ = p.StandardError.ReadToEndAsync();
            _ = p.StandardOutput.ReadToEndAsync();
            Thread.Sleep(500);
            return new Perf(p);
        }

        public async Task StopAsync()
        {
            using (var kill = Process.Start("kill", ["-INT", _p.Id.ToString(CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
            await _p.WaitForExitAsync();
        }

        public void Dispose() => _p.Dispose();
    }

    // ——— setup ———

    private static async Task BuildWebAsync()
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = Paths.Root, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "build", "-c", "Release", "src/TalentOne.Web", "--nologo", "-v", "q" }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0) throw new InvalidOperationException("dotnet build -c Release src/TalentOne.Web failed:\n" + output);
    }

    /// <summary>A registered applicant and its sign-in cookie, which the host may renew (sliding expiration, security
    /// stamp check every 5 minutes): a renewed cookie replaces the old one, as a browser would.</summary>
    public sealed class Applicant(int index, string name, string idNumber, string mobile, string cookie)
    {
        public int Index { get; } = index;
        public string Name { get; } = name;
        public string IdNumber { get; } = idNumber;
        public string Mobile { get; } = mobile;
        public volatile string Cookie = cookie;
        public Dictionary<string, long> Files { get; } = new(StringComparer.Ordinal);

        public void Renew(HttpResponseMessage resp)
        {
            if (!resp.Headers.TryGetValues("Set-Cookie", out var set)) return;
            var jar = Cookie.Split("; ").Select(c => c.Split('=', 2)).ToDictionary(c => c[0], c => c[1], StringComparer.Ordinal);
            foreach (var c in set.Select(c => c.Split(';')[0].Split('=', 2)).Where(c => c.Length == 2))
                if (c[1].Length == 0) jar.Remove(c[0]); else jar[c[0]] = c[1];
            Cookie = string.Join("; ", jar.Select(kv => kv.Key + "=" + kv.Value));
        }
    }

    private static HttpClient Client(Uri baseAddress, int connections) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = connections,
        UseCookies = false, // each request carries its applicant's cookie: any connection serves any applicant
        AllowAutoRedirect = false,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    })
    { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(120), DefaultRequestVersion = HttpVersion.Version11 };

    /// <summary>Registers the applicants through the API (resident ID and mobile checked, password hashed, record made,
    /// signed in): the cookie of each is kept.</summary>
    private static async Task<List<Applicant>> RegisterAsync(HttpClient http, int count)
    {
        var result = new Applicant[count];
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, ct) =>
        {
            var birth = new DateOnly(1996, 1, 1).AddDays(i / 1000 * 37 % 1500);
            var first17 = $"330106{birth:yyyyMMdd}{i % 1000:D3}";
            var id = first17 + ResidentId.CheckCharacter(first17);
            var mobile = "139" + (10_000_000 + i).ToString(CultureInfo.InvariantCulture);
            var name = "测试申请人" + i.ToString(CultureInfo.InvariantCulture);
            using var req = new HttpRequestMessage(HttpMethod.Post, "/api/v1/account/register/person")
            {
                Content = Json(new JsonObject { ["name"] = name, ["idNumber"] = id, ["mobile"] = mobile, ["userName"] = $"loadtalent{i}", ["password"] = Password }),
            };
            using var resp = await http.SendAsync(req, ct);
            if (resp.StatusCode != HttpStatusCode.Created)
                throw new InvalidOperationException($"registering applicant {i}: {(int)resp.StatusCode} {await resp.Content.ReadAsStringAsync(ct)}");
            var cookies = resp.Headers.TryGetValues("Set-Cookie", out var set)
                ? string.Join("; ", set.Select(c => c.Split(';')[0]).Where(c => c.Contains('=', StringComparison.Ordinal)))
                : throw new InvalidOperationException("registration answered without a sign-in cookie");
            result[i] = new Applicant(i, name, id, mobile, cookies);
        });
        return result.ToList();
    }

    /// <summary>The combined form and the once-only materials of the chosen items, as the plan API gives them.</summary>
    public sealed record Plan(IReadOnlyList<JsonObject> Fields, IReadOnlyList<string> Uploaded, IReadOnlyList<string> Committed,
        IReadOnlyDictionary<string, string> Accept);

    private static async Task<Plan> PlanAsync(HttpClient http, Applicant a)
    {
        using var req = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/bundles/{Bundle}/plan")
        {
            Content = Json(new JsonObject { ["items"] = new JsonArray(Ticked.Select(i => (JsonNode)i).ToArray()) }),
        };
        req.Headers.Add("Cookie", a.Cookie);
        using var resp = await http.SendAsync(req);
        var text = await resp.Content.ReadAsStringAsync();
        if (resp.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"plan: {(int)resp.StatusCode} {text}");
        var plan = JsonNode.Parse(text)!.AsObject();
        int items = plan["chosen"]!.AsArray().Count + plan["added"]!.AsArray().Count;
        var levels = plan["levels"]!.AsArray().Select(l => l!["items"]!.AsArray().Count).ToList();
        if (items != ItemsPerCase || levels[0] != QueuedPerCase)
            throw new InvalidOperationException($"the plan has {items} items (levels {string.Join("/", levels)}), expected {ItemsPerCase} with {QueuedPerCase} in parallel first");
        Console.WriteLine($"plan: {items} items ({plan["added"]!.AsArray().Count} added as prerequisites), routing levels {string.Join(" → ", levels)}, " +
            $"{plan["fields"]!.AsArray().Count} fields, {plan["materials"]!.AsArray().Count} materials; {plan["counts"]!["text"]}; {plan["counts"]!["materialsText"]}");
        var uploaded = new List<string>();
        var committed = new List<string>();
        var accept = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var m in plan["materials"]!.AsArray().OfType<JsonObject>())
        {
            var id = m["id"]!.GetValue<string>();
            if (id.StartsWith("result:", StringComparison.Ordinal)) continue;
            if (m["required"]!.GetValue<bool>())
            {
                uploaded.Add(id);
                var types = m["accept"]!.AsArray().Select(x => x!.GetValue<string>()).ToList();
                accept[id] = types.Contains("pdf") ? "pdf" : types.Contains("jpg") ? "jpg" : "png";
            }
            else if (m["waivableByCommitment"]!.GetValue<bool>()) committed.Add(id);
        }
        return new Plan(plan["fields"]!.AsArray().OfType<JsonObject>().ToList(), uploaded, committed, accept);
    }

    /// <summary>Each applicant's core materials, once, into the vault (a 40–60 KB scan each, unique bytes).</summary>
    private static async Task UploadAsync(HttpClient http, List<Applicant> applicants, Plan plan)
    {
        await Parallel.ForEachAsync(applicants, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (a, ct) =>
        {
            foreach (var material in plan.Uploaded)
            {
                var type = plan.Accept[material];
                var bytes = Scan(type, a.Index * 31 + material.Length);
                using var form = new MultipartFormDataContent();
                form.Add(new StringContent(material), "materialId");
                var file = new ByteArrayContent(bytes);
                file.Headers.ContentType = new MediaTypeHeaderValue(type == "pdf" ? "application/pdf" : type == "jpg" ? "image/jpeg" : "image/png");
                form.Add(file, "file", $"{material}.{type}");
                using var req = new HttpRequestMessage(HttpMethod.Post, "/api/v1/me/materials") { Content = form };
                req.Headers.Add("Cookie", a.Cookie);
                using var resp = await http.SendAsync(req, ct);
                var text = await resp.Content.ReadAsStringAsync(ct);
                if (resp.StatusCode != HttpStatusCode.Created) throw new InvalidOperationException($"upload {material} of applicant {a.Index}: {(int)resp.StatusCode} {text}");
                a.Files[material] = JsonNode.Parse(text)!["fileId"]!.GetValue<long>();
            }
        });
    }

    private static byte[] Scan(string type, int seed)
    {
        var random = new Random(seed);
        var bytes = new byte[40_000 + random.Next(20_000)];
        random.NextBytes(bytes);
        byte[] magic = type switch
        {
            "pdf" => "%PDF-1.7\n"u8.ToArray(),
            "jpg" => [0xFF, 0xD8, 0xFF, 0xE0],
            _ => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A],
        };
        magic.CopyTo(bytes, 0);
        return bytes;
    }

    /// <summary>One submission: every field of the combined form filled as its type asks (the applicant's own name,
    /// ID number and mobile), the core materials as vault file ids, the promisable ones promised.</summary>
    public static (byte[] Body, Applicant Who) Request(Applicant a, Plan plan, string clientKey)
    {
        var values = new JsonObject();
        foreach (var f in plan.Fields)
        {
            var id = f["id"]!.GetValue<string>();
            values[id] = id switch
            {
                "applicant.name" => a.Name,
                "applicant.idNumber" => a.IdNumber,
                "applicant.mobile" => a.Mobile,
                "applicant.bankAccount" => "622202" + (1_000_000_000L + a.Index).ToString(CultureInfo.InvariantCulture),
                "person.birthDate" => $"{a.IdNumber[6..10]}-{a.IdNumber[10..12]}-{a.IdNumber[12..14]}",
                _ => f["type"]!.GetValue<string>() switch
                {
                    "enum" => (JsonNode)JsonValue.Create(f["options"]![0]!["code"]!.GetValue<string>())!,
                    "date" => JsonValue.Create("2019-06-30"),
                    "number" => JsonValue.Create(f["min"]?.GetValue<double>() ?? 1),
                    "bool" => JsonValue.Create(true),
                    _ => JsonValue.Create(Text(id, a, f["maxLength"]?.GetValue<int>())),
                },
            };
        }
        var materials = new JsonObject();
        foreach (var m in plan.Uploaded) materials[m] = a.Files[m];
        foreach (var m in plan.Committed) materials[m] = new JsonObject { ["commitment"] = "本人承诺所提交信息真实有效，如有不实愿承担相应责任" };
        var body = new JsonObject
        {
            ["bundleId"] = Bundle, ["items"] = new JsonArray(Ticked.Select(i => (JsonNode)i).ToArray()),
            ["values"] = values, ["materials"] = materials, ["clientKey"] = clientKey,
        };
        return (Encoding.UTF8.GetBytes(body.ToJsonString()), a);
    }

    private static string Text(string id, Applicant a, int? max)
    {
        var t = id switch
        {
            "applicant.employerName" => $"杭州测试科技有限公司第{a.Index % 97}分公司",
            "applicant.school" => "浙江大学",
            _ when id.EndsWith("Address", StringComparison.Ordinal) => $"杭州市西湖区文三路{a.Index % 500 + 1}号",
            _ => "测试填写",
        };
        return max is int m && t.Length > m ? t[..m] : t;
    }

    private static ByteArrayContent Json(JsonObject o)
    {
        var c = new ByteArrayContent(Encoding.UTF8.GetBytes(o.ToJsonString()));
        c.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return c;
    }

    // ——— load ———

    /// <summary>The outcome of one run: every latency kept (ms), status codes and exceptions.</summary>
    public sealed class Run(string name, int count)
    {
        public string Name { get; } = name;
        public double[] LatencyMs { get; } = new double[count];
        public int[] Status { get; } = new int[count];
        public double[] LagMs { get; } = new double[count];
        public int Count { get; set; } = count;
        public double Seconds { get; set; }
        public double ScheduledSeconds { get; set; }
        public string? FirstErrorBody { get; set; }
        private double[]? _sorted;

        public int Ok => Status.Take(Count).Count(s => s == 201);
        public Dictionary<string, int> Errors => Status.Take(Count).Where(s => s != 201)
            .GroupBy(s => s < 0 ? "exception" : s == 200 ? "200 (an earlier case returned)" : s.ToString(CultureInfo.InvariantCulture))
            .ToDictionary(g => g.Key, g => g.Count());
        public double Throughput => Count / Seconds;

        public double P(double q)
        {
            _sorted ??= LatencyMs.Take(Count).Order().ToArray();
            int rank = (int)Math.Ceiling(q * _sorted.Length);
            return _sorted[Math.Clamp(rank - 1, 0, _sorted.Length - 1)];
        }

        public double LagP99Ms => LagMs.Take(Count).Order().ElementAt(Math.Max(0, (int)Math.Ceiling(0.99 * Count) - 1));
        public double LagMaxMs => LagMs.Take(Count).Max();

        public string ErrorText() => string.Join(", ", Errors.Select(e => $"{e.Value} × {e.Key}")) + (FirstErrorBody is { } b ? $"; first: {b}" : "");

        public string Summary() => $"{Count:N0} requests in {Seconds:F1} s = {Throughput:F1}/s, p50 {P(0.5):F1} ms, p90 {P(0.9):F1} ms, " +
            $"p99 {P(0.99):F1} ms, p99.9 {P(0.999):F1} ms, max {P(1):F1} ms; errors: {(Errors.Count == 0 ? "none" : ErrorText())}";

        /// <summary>Share of the machine other processes used meanwhile (not the host, PostgreSQL or the driver).</summary>
        public double Others { get; set; } = double.NaN;

        public string Row() => $"| {Name} | {Count:N0} | {Count - Ok} | {Throughput:F1}/s | {P(0.5):F1} ms | {P(0.9):F1} ms | {P(0.99):F1} ms | {P(0.999):F1} ms | {P(1):F1} ms | {Others:P0} |";
    }

    private static async Task SendAsync(HttpClient http, Uri uri, (byte[] Body, Applicant Who) r, Run run, int i, long from)
    {
        using var req = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(r.Body) };
        req.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        req.Headers.TryAddWithoutValidation("Cookie", r.Who.Cookie);
        try
        {
            using var resp = await http.SendAsync(req, HttpCompletionOption.ResponseContentRead);
            run.Status[i] = (int)resp.StatusCode;
            r.Who.Renew(resp);
            if (resp.StatusCode != HttpStatusCode.Created && run.FirstErrorBody == null)
                run.FirstErrorBody = $"{(int)resp.StatusCode} {Truncate(await resp.Content.ReadAsStringAsync(), 600)}";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            run.Status[i] = -1;
            run.FirstErrorBody ??= e.GetType().Name + ": " + e.Message;
        }
        run.LatencyMs[i] = (Stopwatch.GetTimestamp() - from) * 1000.0 / Stopwatch.Frequency;
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max] + "…";

    /// <summary>Request i is due at t0 + i/rate. A dedicated thread sends each one when due (every request whose time
    /// has come, should the thread wake late) without waiting for earlier answers; the latency is measured from the due
    /// time, so a slow server or a late driver both show in the figures.</summary>
    private static async Task<Run> OpenLoopAsync(HttpClient http, Uri uri, IReadOnlyList<(byte[] Body, Applicant Who)> requests, double rate, string name)
    {
        int n = requests.Count;
        var run = new Run(name, n);
        var tasks = new Task[n];
        double period = Stopwatch.Frequency / rate;
        long t0 = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 20;
        var scheduler = new Thread(() =>
        {
            for (int i = 0; i < n; i++)
            {
                long due = t0 + (long)(i * period);
                long now;
                // Sleeping in 1 ms steps (no spinning: the driver shares the two cores with the host and PostgreSQL); a
                // request may leave up to ~1 ms late, which counts against the latency.
                while ((now = Stopwatch.GetTimestamp()) < due) Thread.Sleep(1);
                run.LagMs[i] = (now - due) * 1000.0 / Stopwatch.Frequency;
                tasks[i] = SendAsync(http, uri, requests[i], run, i, due);
            }
        }) { IsBackground = true, Name = "open-loop scheduler", Priority = ThreadPriority.AboveNormal };
        scheduler.Start();
        await Task.Run(scheduler.Join);
        await Task.WhenAll(tasks);
        run.Seconds = (Stopwatch.GetTimestamp() - t0) / (double)Stopwatch.Frequency;
        run.ScheduledSeconds = (n - 1) / rate;
        return run;
    }

    /// <summary>c workers, each sending its next request when the previous answer has arrived, for the given time.</summary>
    private static async Task<Run> ClosedLoopAsync(HttpClient http, Uri uri, int c, double seconds, Func<(byte[] Body, Applicant Who)> next)
    {
        var run = new Run($"closed loop, {c} connection{(c == 1 ? "" : "s")}", 2_000_000);
        int count = 0;
        long start = Stopwatch.GetTimestamp(), end = start + (long)(seconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, c).Select(_ => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < end)
            {
                var r = next();
                int i = Interlocked.Increment(ref count) - 1;
                await SendAsync(http, uri, r, run, i, Stopwatch.GetTimestamp());
            }
        })));
        run.Count = count;
        run.Seconds = (Stopwatch.GetTimestamp() - start) / (double)Stopwatch.Frequency;
        return run;
    }

    // ——— checks ———

    /// <summary>What the submissions must have stored: one case per client key, 8 tasks each (3 queued, 5 waiting), the
    /// submitted and queued events, the 7 materials, one notice with two outbox rows, 4 ledger entries per case.</summary>
    private static async Task CheckAsync(string cs, string prefix, int expected, List<string> failures)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        var like = prefix + "%";
        async Task<long> Count(string sql)
        {
            await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 300 };
            cmd.Parameters.AddWithValue("p", like);
            return Convert.ToInt64(await cmd.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        }
        const string Cases = "SELECT \"Id\" FROM cases WHERE \"ClientKey\" LIKE @p";
        var checks = new (string What, long Expected, string Sql)[]
        {
            ("cases", expected, "SELECT count(*) FROM cases WHERE \"ClientKey\" LIKE @p"),
            ("distinct client keys", expected, "SELECT count(DISTINCT \"ClientKey\") FROM cases WHERE \"ClientKey\" LIKE @p"),
            ("client keys used more than once", 0, "SELECT count(*) FROM (SELECT 1 FROM cases WHERE \"ClientKey\" LIKE @p GROUP BY \"ClientKey\" HAVING count(*) > 1) d"),
            ("tasks", (long)expected * ItemsPerCase, $"SELECT count(*) FROM case_tasks WHERE \"CaseId\" IN ({Cases})"),
            ("queued tasks (并联)", (long)expected * QueuedPerCase, $"SELECT count(*) FROM case_tasks WHERE \"Status\" = 'queued' AND \"AcceptedOn\" IS NOT NULL AND \"CaseId\" IN ({Cases})"),
            ("waiting tasks (串联)", (long)expected * WaitingPerCase, $"SELECT count(*) FROM case_tasks WHERE \"Status\" = 'waiting' AND \"AcceptedOn\" IS NULL AND \"CaseId\" IN ({Cases})"),
            ("cases without exactly 8 tasks", 0, $"SELECT count(*) FROM (SELECT c.\"Id\" FROM cases c LEFT JOIN case_tasks t ON t.\"CaseId\" = c.\"Id\" WHERE c.\"ClientKey\" LIKE @p GROUP BY c.\"Id\" HAVING count(t.\"Id\") <> {ItemsPerCase}) d"),
            ("open cases", expected, "SELECT count(*) FROM cases WHERE \"Status\" = 'open' AND \"ClientKey\" LIKE @p"),
            ("submitted events", expected, $"SELECT count(*) FROM case_events WHERE \"Kind\" = 'submitted' AND \"CaseId\" IN ({Cases})"),
            ("queued events", (long)expected * QueuedPerCase, $"SELECT count(*) FROM case_events WHERE \"Kind\" = 'queued' AND \"CaseId\" IN ({Cases})"),
            ("materials (5 vault files + 2 commitments)", (long)expected * 7, $"SELECT count(*) FROM case_materials WHERE \"CaseId\" IN ({Cases})"),
            ("acceptance notices", expected, $"SELECT count(*) FROM notices WHERE \"Kind\" = 'case' AND \"PolicyId\" IN (SELECT 'case:' || \"Id\" FROM cases WHERE \"ClientKey\" LIKE @p)"),
            ("outbox rows (SMS + in-app)", (long)expected * 2, $"SELECT count(*) FROM outbox_messages WHERE \"NoticeId\" IN (SELECT \"Id\" FROM notices WHERE \"Kind\" = 'case' AND \"PolicyId\" IN (SELECT 'case:' || \"Id\" FROM cases WHERE \"ClientKey\" LIKE @p))"),
            ("ledger entries (case.submitted + 3 case.queued)", (long)expected * (1 + QueuedPerCase), $"SELECT count(*) FROM ledger_entries WHERE \"CaseId\" IN ({Cases})"),
        };
        var found = new List<string>();
        foreach (var (what, want, sql) in checks)
        {
            var got = await Count(sql);
            found.Add($"{what} {got:N0}");
            if (got != want) failures.Add($"check{(prefix.Length > 0 ? $" ({prefix}*)" : "")}: {what}: {got:N0}, expected {want:N0}");
        }
        Report.Line("cases-http", $"check of {(prefix.Length > 0 ? $"the timed run ({prefix}*)" : "every case of the benchmark")}: {string.Join("; ", found)}");
    }

    private static async Task<string> VerifyLedgerAsync(string cs, string keysFolder, List<string> failures)
    {
        var key = LedgerKey.LoadOrCreate(keysFolder);
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        var v = await LedgerVerifier.VerifyAsync(conn, [key.PublicKey], null, CancellationToken.None);
        var text = $"ledger verify: {(v.Ok ? "OK" : "BROKEN")} — {v.Entries:N0} entries up to seq {v.HeadSeq:N0}, {v.Signatures} signatures by the host's key, " +
            $"{v.NotYetSigned} not yet signed, checked in {v.Elapsed.TotalSeconds:F1} s";
        if (!v.Ok) failures.Add($"ledger verify: {v.FirstProblem}");
        if (v.Ok && v.NotYetSigned > 0) failures.Add($"ledger: {v.NotYetSigned} entries not signed by the host's signer");
        return text;
    }

    private static async Task<string> TopStatementsAsync(ThrowawayPostgres pg, string cs)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            SELECT calls, round(total_exec_time::numeric, 0), round(mean_exec_time::numeric, 3), rows, left(regexp_replace(query, '\s+', ' ', 'g'), 160)
            FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
            ORDER BY total_exec_time DESC LIMIT 25
            """, conn);
        var sb = new StringBuilder("pg_stat_statements during the open loop (top 25 by total time):\n| calls | total ms | mean ms | rows | statement |\n|---:|---:|---:|---:|---|\n");
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
            sb.Append(CultureInfo.InvariantCulture, $"| {r.GetInt64(0)} | {r.GetDecimal(1)} | {r.GetDecimal(2)} | {r.GetInt64(3)} | `{r.GetString(4).Replace("|", "\\|", StringComparison.Ordinal)}` |\n");
        _ = pg;
        return sb.ToString().TrimEnd();
    }

    // ——— machine ———

    private sealed record CpuSnapshot(double Wall, double Host, double Pg, double Driver, double MachineBusy);

    private static CpuSnapshot Cpu(WebHost host, ThrowawayPostgres pg)
    {
        using var me = Process.GetCurrentProcess();
        var f = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
        long busy = f.Take(8).Sum() - f[3] - f[4];
        return new CpuSnapshot(Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency, host.CpuSeconds(), pg.CpuSeconds(), me.TotalProcessorTime.TotalSeconds, busy / 100.0);
    }

    private static double Others(CpuSnapshot a, CpuSnapshot b) =>
        Math.Max(0, b.MachineBusy - a.MachineBusy - (b.Host - a.Host) - (b.Pg - a.Pg) - (b.Driver - a.Driver)) / ((b.Wall - a.Wall) * Environment.ProcessorCount);

    private static string CpuModel()
    {
        try { return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?"; }
        catch (IOException) { return "?"; }
    }

    /// <summary>The web host as a separate process: `dotnet TalentOne.Web.dll --urls http://127.0.0.1:PORT`, run from its
    /// build folder (its appsettings.json), on the given database, keys and SMS log in the work folder.</summary>
    private sealed class WebHost : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly StreamWriter _log;
        private readonly Task _pump;
        public Uri BaseAddress { get; }
        public string LogFile { get; }
        public string KeysFolder { get; }
        public int Pid => _process.Id;

        private WebHost(Process p, StreamWriter log, Task pump, Uri baseAddress, string logFile, string keys)
        {
            _process = p; _log = log; _pump = pump; BaseAddress = baseAddress; LogFile = logFile; KeysFolder = keys;
        }

        public static async Task<WebHost> StartAsync(string bin, string cs, string work, bool sqlLog, bool perfMap, List<string[]> extraEnv)
        {
            var dll = Path.Combine(bin, "TalentOne.Web.dll");
            if (!File.Exists(dll)) throw new InvalidOperationException($"{dll} not found: dotnet build -c Release src/TalentOne.Web");
            var l = new TcpListener(IPAddress.Loopback, 0);
            l.Start();
            int port = ((IPEndPoint)l.LocalEndpoint).Port;
            l.Stop();
            var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = bin, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { dll, "--urls", $"http://127.0.0.1:{port}" }) psi.ArgumentList.Add(a);
            var keys = Path.Combine(work, "keys");
            psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
            psi.Environment["DOTNET_ENVIRONMENT"] = "Production";
            psi.Environment["ConnectionStrings__TalentOne"] = cs;
            psi.Environment["TalentOne__Database"] = "postgres";
            psi.Environment["TalentOne__Catalog"] = Paths.Catalog;
            psi.Environment["TalentOne__Keys"] = keys;
            psi.Environment["TalentOne__Sms__LogFile"] = Path.Combine(work, "sms.log");
            // The daily eligibility sweep (02:00 China time) is not part of submitting; §5 measures it. The outbox
            // dispatcher (delivers the "已受理" notices) and the ledger signer run as in production.
            psi.Environment["TalentOne__Sweep__Enabled"] = "false";
            if (perfMap)
            {
                psi.Environment["DOTNET_PerfMapEnabled"] = "1";
                psi.Environment["DOTNET_EnableWriteXorExecute"] = "0"; // JIT code in plain memory, so perf can name it
            }
            foreach (var e in extraEnv) psi.Environment[e[0]] = e.Length > 1 ? e[1] : "";
            if (sqlLog) psi.Environment["Logging__LogLevel__Microsoft.EntityFrameworkCore.Database.Command"] = "Information";
            var logFile = Path.Combine(work, "host.log");
            var log = new StreamWriter(logFile) { AutoFlush = true };
            var p = Process.Start(psi)!;
            async Task Pump(StreamReader r)
            {
                while (await r.ReadLineAsync() is { } line) lock (log) log.WriteLine(line);
            }
            var pump = Task.WhenAll(Pump(p.StandardOutput), Pump(p.StandardError));
            var host = new WebHost(p, log, pump, new Uri($"http://127.0.0.1:{port}"), logFile, keys);
            using var probe = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
            var sw = Stopwatch.StartNew();
            while (true)
            {
                if (p.HasExited) throw new InvalidOperationException($"the web host exited with code {p.ExitCode}:\n{string.Join("\n", host.Tail(40))}");
                try
                {
                    using var r = await probe.GetAsync($"/api/v1/bundles/{Bundle}");
                    if (r.IsSuccessStatusCode) break;
                }
                catch (HttpRequestException) { }
                catch (TaskCanceledException) { }
                if (sw.Elapsed.TotalSeconds > 180) throw new InvalidOperationException("the web host did not answer within 3 minutes");
                await Task.Delay(250);
            }
            Console.WriteLine($"web host ready in {sw.Elapsed.TotalSeconds:F1} s");
            return host;
        }

        public double CpuSeconds()
        {
            _process.Refresh();
            return _process.TotalProcessorTime.TotalSeconds;
        }

        public List<string> Tail(int lines)
        {
            lock (_log) _log.Flush();
            try
            {
                using var s = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                using var r = new StreamReader(s);
                var all = new List<string>();
                while (r.ReadLine() is { } line) all.Add(line);
                return all.TakeLast(lines).ToList();
            }
            catch (IOException) { return []; }
        }

        public List<string> Errors()
        {
            lock (_log) _log.Flush();
            using var s = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var r = new StreamReader(s);
            var found = new List<string>();
            var lines = new List<string>();
            while (r.ReadLine() is { } line) lines.Add(line);
            for (int i = 0; i < lines.Count; i++)
                if (lines[i].StartsWith("fail:", StringComparison.Ordinal) || lines[i].StartsWith("crit:", StringComparison.Ordinal))
                {
                    // a fresh database: EF Core's first look at the migrations table fails before creating it
                    if (string.Join(" ", lines.Skip(i).Take(5)).Contains("__EFMigrationsHistory", StringComparison.Ordinal)) continue;
                    found.Add(lines[i] + " " + string.Join(" ", lines.Skip(i + 1).Take(3).Select(x => x.Trim())));
                }
            return found;
        }

        private bool _disposed;

        public async ValueTask DisposeAsync()
        {
            if (_disposed) return;
            _disposed = true;
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
            await _pump;
            _log.Dispose();
            _process.Dispose();
        }
    }
}
