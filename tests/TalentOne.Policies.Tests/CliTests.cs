using System.Text.Json;
using TalentOne.Cli;

namespace TalentOne.Policies.Tests;

public class CliTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter(); var e = new StringWriter();
        int code = CliApp.RunAsync(args, o, e).GetAwaiter().GetResult();
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void Catalog_check_passes_on_the_real_catalog()
    {
        var (code, output, err) = Run("catalog", "check", "--catalog", Repo.Catalog);
        Assert.True(code == 0, err);
        Assert.StartsWith("catalog OK:", output);
    }

    [Fact]
    public void Catalog_check_fails_with_file_line_column()
    {
        using var s = new ScratchCatalog();
        s.Edit("\"master\"", "\"masters\"");
        var (line, col) = s.Where("\"masters\"");
        var (code, _, err) = Run("catalog", "check", "--catalog", s.Dir);
        Assert.Equal(1, code);
        Assert.Contains($"policies/mini.yaml:{line}:{col}: \"masters\" is not a member of edu_level", err);
    }

    /// <summary>The commands on the database, on a SQLite file of their own: the first administrator (password from
    /// standard input, refused when weak or taken), then a sweep and a dispatch of the outbox.</summary>
    [Fact]
    public void Admin_create_sweep_and_outbox_dispatch_work_on_a_fresh_database()
    {
        var home = Path.Combine(Path.GetTempPath(), "talentone-tests", "cli-db-" + Guid.NewGuid().ToString("N")[..12]);
        var dir = Path.Combine(home, "catalog");
        try
        {
            foreach (var file in Directory.EnumerateFiles(Repo.Catalog, "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(dir, Path.GetRelativePath(Repo.Catalog, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
            string[] Db(params string[] args) => [.. args, "--catalog", dir, "--database", "sqlite", "--connection", $"Data Source={Path.Combine(home, "t.db")}"];
            (int Code, string Out, string Err) RunWith(string input, string[] args)
            {
                var o = new StringWriter(); var e = new StringWriter();
                int code = CliApp.RunAsync(args, new StringReader(input), o, e).GetAwaiter().GetResult();
                return (code, o.ToString(), e.ToString());
            }

            var weak = RunWith("short\n", Db("admin", "create", "--user", "root"));
            Assert.Equal(2, weak.Code);
            Assert.Contains("密码至少 10 位", weak.Err);
            var made = RunWith("Admin-pass-2026\n", Db("admin", "create", "--user", "root"));
            Assert.True(made.Code == 0, made.Err);
            Assert.Contains("已创建人才办管理员账号 root", made.Out);
            var again = RunWith("Admin-pass-2026\n", Db("admin", "create", "--user", "root"));
            Assert.Equal(1, again.Code);
            Assert.Contains("已被使用", again.Err);

            var sweep = RunWith("", Db("sweep", "--date", "2021-09-01"));
            Assert.True(sweep.Code == 0, sweep.Err);
            Assert.Contains("巡检 #1 完成（评估日 2021-09-01", sweep.Out);
            var dispatch = RunWith("", Db("outbox", "dispatch"));
            Assert.True(dispatch.Code == 0, dispatch.Err);
            Assert.Contains("已发送 0", dispatch.Out);
            Assert.True(File.Exists(Path.Combine(home, "data", "keys", "personal-data.key")), "the keys are made beside the catalog, never in the repository");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(home, recursive: true); } catch (IOException) { }
        }
    }

    [Fact]
    public void Catalog_check_reports_a_broken_working_calendar_with_file_line_column()
    {
        var dir = Path.Combine(Path.GetTempPath(), "talentone-tests", "calendar-" + Guid.NewGuid().ToString("N")[..12], "catalog");
        try
        {
            foreach (var file in Directory.EnumerateFiles(Repo.Catalog, "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(dir, Path.GetRelativePath(Repo.Catalog, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
            var holidays = Path.Combine(dir, "calendar", "holidays-2021.yaml");
            var lines = File.ReadAllLines(holidays);
            var line = Array.FindIndex(lines, l => l.Contains("work: [2021-09-26, 2021-10-09]"));
            lines[line] = lines[line].Replace("2021-09-26", "2021-09-27");
            File.WriteAllLines(holidays, lines);
            var col = lines[line].IndexOf("2021-09-27", StringComparison.Ordinal) + 1;

            var (code, _, err) = Run("catalog", "check", "--catalog", dir);
            Assert.Equal(1, code);
            Assert.Contains($"calendar/holidays-2021.yaml:{line + 1}:{col}: 国庆节：调休上班日 2021-09-27 是星期一，不是周末", err);
        }
        finally { Directory.Delete(Path.GetDirectoryName(dir)!, recursive: true); }
    }

    [Fact]
    public void Catalog_test_runs_the_policy_cases()
    {
        var (code, output, err) = Run("catalog", "test", "--catalog", Repo.Mini);
        Assert.True(code == 0, err);
        Assert.Matches(@"^\d+ passed, 0 failed", output);
    }

    [Fact]
    public void Catalog_list_lists_every_policy()
    {
        var (code, output, _) = Run("catalog", "list", "--catalog", Repo.Mini);
        Assert.Equal(0, code);
        Assert.Contains("mini.allowance.phd", output);
        Assert.Contains("6 policies", output);
    }

    [Fact]
    public void Match_prints_the_package_as_json()
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, """{"education": {"level": "doctorate", "fullTime": true}, "work": {"county": "kecheng"}}""");
        var (code, output, err) = Run("match", "--profile", file, "--date", "2021-09-01", "--json", "--catalog", Repo.Mini);
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(output);
        var eligible = doc.RootElement.GetProperty("eligible").EnumerateArray().Select(x => x.GetProperty("id").GetString()).ToList();
        Assert.Contains("mini.allowance.phd", eligible);
        Assert.Equal(3 * 20000 + 3 * 0.6 * 12 * 1840, doc.RootElement.GetProperty("total").GetDouble(), 6);
    }

    [Fact]
    public void Match_prints_readable_chinese_by_default()
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, """{"education": {"level": "bachelor"}, "work": {"county": "kecheng"}}""");
        var (code, output, _) = Run("match", "--profile", file, "--date", "2021-09-01", "--catalog", Repo.Mini);
        Assert.Equal(0, code);
        Assert.Contains("【不符合】", output);
        Assert.Contains("硕士及以上（最高学历：本科）", output);
    }

    [Fact]
    public void Match_refuses_an_evaluation_date_outside_the_calendar_it_answers_for()
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, """{"work": {"county": "kecheng"}}""");
        var (code, _, err) = Run("match", "--profile", file, "--date", "9999-12-31", "--catalog", Repo.Mini);
        Assert.Equal(2, code);
        Assert.Contains("date: 评估日期应在 1900 年至 2200 年之间", err);
    }

    [Fact]
    public void Match_reports_bad_fields_like_the_api()
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, """{"employment": {"annualSalary": -1}, "work": {"county": "atlantis"}}""");
        var (code, _, err) = Run("match", "--profile", file, "--catalog", Repo.Mini, "--json");
        Assert.Equal(2, code);
        using var doc = JsonDocument.Parse(err);
        var fields = doc.RootElement.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order().ToList();
        Assert.Equal(["employment.annualSalary", "work.county"], fields);
    }
}
