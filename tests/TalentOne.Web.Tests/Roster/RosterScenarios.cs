using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MiniExcelLibs;
using TalentOne.Data;
using TalentOne.Data.Registry;
using TalentOne.Data.Roster;
using TalentOne.Policies.Catalog;
using TalentOne.Registry.Accounts;
using TalentOne.Registry.Records;
using TalentOne.Web.Tests.Infrastructure;
using Xunit.Sdk;

namespace TalentOne.Web.Tests.Roster;

/// <summary>Bulk import from an .xlsx roster and the .xlsx package export, through the real host, on SQLite and on
/// PostgreSQL. The rosters are built here with MiniExcel, the way a talent office's Excel file looks: a title row, then
/// the header row, then one person per row.</summary>
public abstract class RosterScenarios
{
    protected abstract TalentOneApp App { get; }

    private static readonly string[] Headers =
    [
        "序号", "姓名", "身份证号", "手机号", "工作单位", "统一社会信用代码", "所在市", "所在县（市、区）", "最高学历", "是否全日制",
        "毕业院校是否“双一流”", "毕业时间", "专业技术职称", "职业技能等级", "入职时间", "年薪（元）", "人才类别",
    ];

    /// <summary>One roster row in the order of <see cref="Headers"/>; dates may be DateTime (an Excel date) or text.</summary>
    internal static object?[] Person(string name, string id, string mobile, string city = "衢州市", string county = "柯城区",
        string education = "博士研究生", object? graduated = null, object? started = null, object? salary = null) =>
    [
        null, name, id, mobile, "衢州测试新材料有限公司", null, city, county, education, "是", "是",
        graduated ?? new DateTime(2020, 6, 30), "中级", "无", started ?? "2020-07-01", salary ?? 300000d, "E类",
    ];

    /// <summary>An .xlsx file: a title row, the header row (row 2), then the rows (from row 3).</summary>
    internal static byte[] Roster(IEnumerable<object?[]> rows, string[]? headers = null)
    {
        headers ??= Headers;
        var table = new List<Dictionary<string, object?>>
        {
            Row(["E类以上企业人才名册表"], headers.Length),
            Row(headers, headers.Length),
        };
        int n = 0;
        foreach (var r in rows)
        {
            r[0] ??= (double)++n;
            table.Add(Row(r, headers.Length));
        }
        using var stream = new MemoryStream();
        stream.SaveAs(table, printHeader: false, excelType: ExcelType.XLSX);
        return stream.ToArray();
    }

    private static Dictionary<string, object?> Row(object?[] values, int width)
    {
        var row = new Dictionary<string, object?>();
        for (int i = 0; i < width; i++) row[((char)('A' + i)).ToString()] = i < values.Length ? values[i] : null;
        return row;
    }

    private static Task<HttpResponseMessage> UploadAsync(HttpClient client, byte[] file, string fileName = "人才名册.xlsx")
    {
        var content = new MultipartFormDataContent();
        var part = new ByteArrayContent(file);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        content.Add(part, "file", fileName);
        return client.PostAsync("/api/v1/roster/imports", content);
    }

    private static Task<HttpResponseMessage> CommitAsync(HttpClient client, long id, string mode) =>
        client.PostJsonAsync($"/api/v1/roster/imports/{id}/commit", new JsonObject { ["mode"] = mode });

    internal static string NewId(int year = 1990) => TestAccounts.NewIdNumber(new DateOnly(year, 5, 17));

    /// <summary>The same digits with a wrong check character.</summary>
    internal static string WithBadCheckDigit(string id)
    {
        var wrong = "10X98765432".First(c => c != id[17]);
        return id[..17] + wrong;
    }

    private async Task<Subject?> FindPersonAsync(string idNumber)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var index = scope.ServiceProvider.GetRequiredService<PersonalDataProtector>().BlindIndex("id:" + idNumber);
        return await scope.ServiceProvider.GetRequiredService<TalentOneDb>().Subjects.AsNoTracking()
            .FirstOrDefaultAsync(s => s.Kind == SubjectKind.Person && s.IdentifierIndex == index);
    }

    private async Task<List<FactRecord>> FactsOfAsync(long subjectId)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<TalentOneDb>().FactRecords.AsNoTracking()
            .Where(f => f.SubjectId == subjectId).OrderBy(f => f.Id).ToListAsync();
    }

    private static void NoFullIdNumbers(string body, IEnumerable<string> ids, string what)
    {
        foreach (var id in ids)
            if (body.Contains(id, StringComparison.OrdinalIgnoreCase))
                throw new XunitException($"{what} shows a full ID number ({ResidentId.Mask(id)}):\n{(body.Length > 3000 ? body[..3000] : body)}");
    }

    private static List<(int Row, string? Column, string Message)> Issues(JsonObject report) =>
        report["issues"]!.AsArray().Select(i => (i!["row"]!.GetValue<int>(), i["column"]?.GetValue<string>(), i["message"]!.GetValue<string>())).ToList();

    [Fact]
    public async Task A_roster_is_reported_by_row_and_column_all_is_refused_while_rows_are_invalid_and_valid_only_stores_exactly_the_valid_rows()
    {
        var window = await App.ClientAsync(Roles.Window); // 衢州市人力社保局
        var existing = await App.RegisteredTalentAsync(name: "王五");
        string a = NewId(1991), b = NewId(1992), badMobileId = NewId(1993), badEnumId = NewId(1994), badCountyId = NewId(1995), dup = NewId(1996);
        var badCheck = WithBadCheckDigit(NewId(1997));
        var file = Roster([
            Person("张三", a, TestAccounts.NewMobile()),                                                     // row 3: new
            Person("李四", b, TestAccounts.NewMobile(), graduated: "2019年6月30日", started: "2019/7/1"),   // row 4: new, dates as text
            Person("赵六", badCheck, TestAccounts.NewMobile()),                                              // row 5: check digit
            Person("钱七", badMobileId, "1381234567"),                                                       // row 6: 10-digit mobile
            Person("孙八", badEnumId, TestAccounts.NewMobile(), education: "博士后"),                         // row 7: unknown label
            Person("周九", badCountyId, TestAccounts.NewMobile(), county: "鹿城区"),                           // row 8: county of Wenzhou
            Person("吴十", dup, TestAccounts.NewMobile()),                                                   // row 9: duplicate …
            Person("吴十", dup, TestAccounts.NewMobile()),                                                   // row 10: … of row 9
            Person("王五", existing.IdNumber, existing.Mobile),                                              // row 11: already registered
        ]);
        var allIds = new[] { a, b, badCheck, badMobileId, badEnumId, badCountyId, dup, existing.IdNumber };

        var response = await UploadAsync(window, file);
        var raw = await response.ExpectAsync(HttpStatusCode.Created, "uploading a roster with good and bad rows");
        NoFullIdNumbers(raw, allIds, "the report");
        var report = JsonNode.Parse(raw)!.AsObject();
        var id = report["id"]!.GetValue<long>();
        Http.That(report["headerRow"]!.GetValue<int>() == 2 && report["status"]!.GetValue<string>() == "pending", "the header is found below the title row; nothing committed yet", report);

        var issues = Issues(report);
        foreach (var (row, column, words) in new[] { (5, "C", "校验位"), (6, "D", "11 位"), (7, "I", "博士后"), (8, "H", ""), (9, "C", "第 9、10 行"), (10, "C", "第 9、10 行") })
            Http.That(issues.Any(i => i.Row == row && i.Column == column && i.Message.Contains(words) && Regex.IsMatch(i.Message, @"\p{IsCJKUnifiedIdeographs}")),
                $"row {row} column {column} should be reported in Chinese (mentioning “{words}”)", report["issues"]);
        Http.That(report["issues"]!.AsArray().Where(x => x!["severity"]!.GetValue<string>() == "error").All(x => x!["row"]!.GetValue<int>() is not (3 or 4 or 11)),
            "rows 3, 4 and 11 have no errors", report["issues"]);
        var counts = report["counts"]!;
        Http.That(counts["rows"]!.GetValue<int>() == 9 && counts["valid"]!.GetValue<int>() == 3 && counts["invalid"]!.GetValue<int>() == 6
            && counts["create"]!.GetValue<int>() == 2 && counts["update"]!.GetValue<int>() == 1, "9 rows: 2 new, 1 update, 6 invalid", counts);
        Http.That(report["statement"]!.GetValue<string>().StartsWith("将新建 2 份档案、更新 1 份、跳过 6 行有误的数据", StringComparison.Ordinal),
            "the preview states what committing the valid rows will do", report);
        Http.That(!report["canCommitAll"]!.GetValue<bool>() && report["canCommitValidOnly"]!.GetValue<bool>(), "only the valid rows can be committed", report);
        var rows = report["rows"]!.AsArray();
        Http.That(rows.Any(r => r!["row"]!.GetValue<int>() == 11 && r["action"]!.GetValue<string>() == "update")
            && rows.Any(r => r!["row"]!.GetValue<int>() == 3 && r["action"]!.GetValue<string>() == "create"), "which rows create and which update", rows);

        // the report as .xlsx: the rows with an extra 错误说明 column, ID numbers masked
        var xlsx = await (await window.GetAsync($"/api/v1/roster/imports/{id}/report.xlsx")).Content.ReadAsByteArrayAsync();
        using (var stream = new MemoryStream(xlsx))
        {
            var lines = stream.Query(useHeaderRow: true, sheetName: "导入报告").Cast<IDictionary<string, object?>>().ToList();
            var row5 = lines.Single(l => Convert.ToInt32(l["行号"]) == 5);
            Assert.Contains("C 列（身份证号）", (string)row5["错误说明"]!);
            Assert.Contains("校验位", (string)row5["错误说明"]!);
            Assert.Equal(9, lines.Count);
            NoFullIdNumbers(string.Join("\n", lines.SelectMany(l => l.Values.Select(v => v?.ToString()))), allIds, "the report workbook");
        }

        var refused = await (await CommitAsync(window, id, "all")).ExpectProblemAsync(HttpStatusCode.BadRequest, "committing all rows while 6 are invalid");
        Http.That(refused["errors"]!["mode"]![0]!.GetValue<string>().Contains("6 行数据有误"), "the refusal says how many rows are wrong", refused);
        Assert.Null(await FindPersonAsync(a));
        Assert.DoesNotContain(await FactsOfAsync(existing.SubjectId), f => f.Status == FactStatus.Imported);

        var committed = await (await CommitAsync(window, id, "valid-only")).ExpectJsonAsync(HttpStatusCode.OK, "committing only the valid rows");
        Http.That(committed["status"]!.GetValue<string>() == "committed" && committed["createdRecords"]!.GetValue<int>() == 2
            && committed["updatedRecords"]!.GetValue<int>() == 1, "2 records created, 1 updated", committed);

        foreach (var (idNumber, name) in new[] { (a, "张三"), (b, "李四") })
        {
            var subject = await FindPersonAsync(idNumber) ?? throw new XunitException($"the valid row of {name} should be stored");
            Assert.Equal(name, subject.Name);
            Assert.Equal("quzhou", subject.City);
            var facts = await FactsOfAsync(subject.Id);
            Assert.Contains(facts, f => f.Fact == "education.level" && f.NewValueJson == "\"doctorate\"" && f.Status == FactStatus.Imported);
            Assert.Contains(facts, f => f.Fact == "person.talentClass" && f.NewValueJson == "\"E\"" && f.Status == FactStatus.Imported);
            await using var scope = App.Services.CreateAsyncScope();
            Assert.False(await scope.ServiceProvider.GetRequiredService<TalentOneDb>().Users.AnyAsync(u => u.SubjectId == subject.Id), "an imported record has no account");
        }
        var lisi = JsonNode.Parse((await FindPersonAsync(b))!.ProfileJson)!;
        Assert.Equal("2019-06-30", lisi["education"]!["graduationDate"]!.GetValue<string>());
        Assert.Equal("2019-07-01", lisi["employment"]!["startDate"]!.GetValue<string>());
        foreach (var invalid in new[] { badMobileId, badEnumId, badCountyId, dup })
            Assert.Null(await FindPersonAsync(invalid));
        var updated = await FactsOfAsync(existing.SubjectId);
        Assert.Contains(updated, f => f.Fact == "education.level" && f.NewValueJson == "\"doctorate\"" && f.Status == FactStatus.Imported && f.DepartmentId == "quzhou.hrss");

        await (await CommitAsync(window, id, "valid-only")).ExpectProblemAsync(HttpStatusCode.Conflict, "committing the same import twice");
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var stored = await scope.ServiceProvider.GetRequiredService<TalentOneDb>().Set<RosterImportRow>().AsNoTracking().Where(r => r.ImportId == id).ToListAsync();
            Assert.All(stored, r => Assert.Null(r.IdCipher));
        }
    }

    [Fact]
    public async Task A_failure_in_the_middle_of_a_commit_leaves_nothing_stored()
    {
        var window = await App.ClientAsync(Roles.Window);
        string first = NewId(1988), second = NewId(1989), third = NewId(1990);
        var report = await (await UploadAsync(window, Roster([
                Person("甲一", first, TestAccounts.NewMobile()),
                Person("乙二", second, TestAccounts.NewMobile()),
                Person("丙三", third, TestAccounts.NewMobile()),
            ]))).ExpectJsonAsync(HttpStatusCode.Created, "uploading three new people");
        Http.That(report["counts"]!["create"]!.GetValue<int>() == 3 && report["canCommitAll"]!.GetValue<bool>(), "three records to create", report);

        // The third person registers between preview and commit: the first two rows are written inside the commit's
        // transaction before the third fails, and must be rolled back.
        var client = App.CreateClient();
        await (await client.PostJsonAsync("/api/v1/account/register/person", new JsonObject
        {
            ["name"] = "丙三", ["idNumber"] = third, ["mobile"] = TestAccounts.NewMobile(), ["userName"] = TestAccounts.UniqueName("talent"), ["password"] = TestAccounts.Password,
        })).ExpectAsync(HttpStatusCode.Created, "the third person registering meanwhile");

        var problem = await (await CommitAsync(window, report["id"]!.GetValue<long>(), "all"))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "committing after the third person registered");
        Http.That(problem["detail"]!.GetValue<string>().Contains("第 5 行") && problem["detail"]!.GetValue<string>().Contains("未写入任何数据"),
            "the problem names the row and says nothing was written", problem);
        Assert.Null(await FindPersonAsync(first));
        Assert.Null(await FindPersonAsync(second));
        var again = await (await window.GetAsync($"/api/v1/roster/imports/{report["id"]}")).ExpectJsonAsync(HttpStatusCode.OK, "reading the import after the failure");
        Http.That(again["status"]!.GetValue<string>() == "pending", "the import is still pending", again);
    }

    public static TheoryData<string, string> BadFiles => new()
    {
        { "text", "不是 Excel" },
        { "zip", "损坏或不是有效的 Excel" },
        { "xls", "旧版 Excel" },
        { "oversized", "文件过大" },
        { "no-id-column", "缺少必填列“身份证号”" },
        { "no-header", "找不到表头" },
        { "empty", "没有数据行" },
        { "too-many-rows", "数据超过 10000 行" },
    };

    private static byte[] BadFile(string kind)
    {
        switch (kind)
        {
            case "text": return Encoding.UTF8.GetBytes("姓名,身份证号\n张三,330802199001011234\n");
            case "zip":
            {
                using var ms = new MemoryStream();
                using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
                using (var w = new StreamWriter(zip.CreateEntry("readme.txt").Open())) w.Write("not a workbook");
                return ms.ToArray();
            }
            case "xls": return [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0, 0];
            case "oversized":
            {
                var big = new byte[6 * 1024 * 1024];
                Random.Shared.NextBytes(big);
                big[0] = 0x50; big[1] = 0x4B; big[2] = 0x03; big[3] = 0x04;
                return big;
            }
            case "no-id-column": return Roster([["1", "张三", "13912345678", "衢州市"]], ["序号", "姓名", "手机号", "所在市"]);
            case "no-header": return Roster([["1", "张三"]], ["编号", "名字"]);
            case "too-many-rows": return Roster(Enumerable.Range(0, 10_001).Select(i => new object?[] { null, "某人", "x", "13912345678", "衢州市" }), ["序号", "姓名", "身份证号", "手机号", "所在市"]);
            default: return Roster([]);
        }
    }

    [Theory]
    [MemberData(nameof(BadFiles))]
    public async Task A_file_that_cannot_be_imported_is_a_400_with_a_Chinese_message_and_nothing_is_stored(string kind, string words)
    {
        var window = await App.ClientAsync(Roles.Window);
        var before = await ImportCountAsync();
        var problem = await (await UploadAsync(window, BadFile(kind))).ExpectProblemAsync(HttpStatusCode.BadRequest, $"uploading a {kind} file");
        var messages = problem["errors"]!["file"]!.AsArray().Select(m => m!.GetValue<string>()).ToList();
        Http.That(messages.Any(m => m.Contains(words)), $"the message should say “{words}”", problem);
        Assert.Equal(before, await ImportCountAsync());
    }

    private async Task<int> ImportCountAsync()
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<TalentOneDb>().Set<RosterImport>().CountAsync();
    }

    [Fact]
    public async Task Only_window_staff_and_the_talent_office_import_and_window_staff_only_for_their_own_city()
    {
        var file = Roster([Person("温州人", NewId(1985), TestAccounts.NewMobile(), city: "温州市", county: "鹿城区")]);
        await (await UploadAsync(App.CreateClient(), file)).ExpectProblemAsync(HttpStatusCode.Unauthorized, "uploading without signing in");
        foreach (var role in new[] { Roles.Talent, Roles.Reviewer, Roles.Auditor })
        {
            var client = await App.ClientAsync(role);
            await (await UploadAsync(client, file)).ExpectProblemAsync(HttpStatusCode.Forbidden, $"uploading as {role}");
            await (await client.GetAsync("/api/v1/roster/template.xlsx")).ExpectProblemAsync(HttpStatusCode.Forbidden, $"the template as {role}");
        }

        var quzhou = await App.ClientAsync(Roles.Window);
        var report = await (await UploadAsync(quzhou, file)).ExpectJsonAsync(HttpStatusCode.Created, "a Quzhou window uploading a Wenzhou row");
        Http.That(Issues(report).Any(i => i.Row == 3 && i.Column == "G" && i.Message.Contains("衢州市")), "the row is refused on the 所在市 column", report);
        Http.That(report["counts"]!["invalid"]!.GetValue<int>() == 1, "the row is invalid", report);

        var admin = await App.ClientAsync(Roles.Admin);
        var adminReport = await (await UploadAsync(admin, file)).ExpectJsonAsync(HttpStatusCode.Created, "the talent office uploading a Wenzhou row");
        Http.That(adminReport["counts"]!["create"]!.GetValue<int>() == 1, "the talent office imports for any city", adminReport);
        await (await quzhou.GetAsync($"/api/v1/roster/imports/{adminReport["id"]}")).ExpectProblemAsync(HttpStatusCode.NotFound, "a window reading the office's import");
        await (await CommitAsync(quzhou, adminReport["id"]!.GetValue<long>(), "all")).ExpectProblemAsync(HttpStatusCode.NotFound, "a window committing the office's import");
        var discarded = await (await admin.PostJsonAsync($"/api/v1/roster/imports/{adminReport["id"]}/discard", "{}")).ExpectJsonAsync(HttpStatusCode.OK, "discarding");
        Http.That(discarded["status"]!.GetValue<string>() == "discarded", "discarded", discarded);
        await (await CommitAsync(admin, adminReport["id"]!.GetValue<long>(), "all")).ExpectProblemAsync(HttpStatusCode.Conflict, "committing a discarded import");
    }

    [Fact]
    public async Task The_template_names_the_columns_and_a_filled_in_template_imports()
    {
        var window = await App.ClientAsync(Roles.Window);
        var response = await window.GetAsync("/api/v1/roster/template.xlsx");
        await response.ExpectAsync(HttpStatusCode.OK, "downloading the template");
        var template = await response.Content.ReadAsByteArrayAsync();
        List<string> headers;
        using (var stream = new MemoryStream(template))
        {
            Assert.Equal(new[] { "人才名册", "填写说明" }, MiniExcel.GetSheetNames(stream));
            stream.Position = 0;
            headers = stream.Query(useHeaderRow: false, sheetName: "人才名册").Cast<IDictionary<string, object?>>().First().Values.Select(v => (string)v!).ToList();
            stream.Position = 0;
            var help = stream.Query(useHeaderRow: true, sheetName: "填写说明").Cast<IDictionary<string, object?>>().ToList();
            Assert.Contains(help, h => (string?)h["列名"] == "最高学历" && ((string?)h["填写内容"])!.Contains("博士研究生"));
        }
        Assert.Contains("姓名*", headers);
        Assert.Contains("身份证号*", headers);
        Assert.Contains("所在县（市、区）", headers);

        var id = NewId(1993);
        var values = headers.Select(h => (object?)(h.TrimEnd('*') switch
        {
            "序号" => 1d, "姓名" => "模板填写", "身份证号" => id, "手机号" => TestAccounts.NewMobile(), "所在市" => "衢州", "所在县（市、区）" => "江山市",
            "最高学历" => "硕士", "是否全日制" => "否", "年薪（元）" => "120,000", "专业技术职称" => "副高", "人才类别" => "D",
            _ => null,
        })).ToList();
        var table = new List<Dictionary<string, object?>> { Row([.. headers], headers.Count), Row([.. values], headers.Count) };
        using var file = new MemoryStream();
        file.SaveAs(table, printHeader: false, excelType: ExcelType.XLSX);
        var report = await (await UploadAsync(window, file.ToArray())).ExpectJsonAsync(HttpStatusCode.Created, "uploading the filled-in template");
        Http.That(report["counts"]!["create"]!.GetValue<int>() == 1 && report["counts"]!["invalid"]!.GetValue<int>() == 0 && report["headerRow"]!.GetValue<int>() == 1,
            "one valid row", report);
        await (await CommitAsync(window, report["id"]!.GetValue<long>(), "all")).ExpectJsonAsync(HttpStatusCode.OK, "committing all");
        var profile = JsonNode.Parse((await FindPersonAsync(id))!.ProfileJson)!;
        Assert.Equal("master", profile["education"]!["level"]!.GetValue<string>());
        Assert.False(profile["education"]!["fullTime"]!.GetValue<bool>());
        Assert.Equal(120000, profile["employment"]!["annualSalary"]!.GetValue<double>());
        Assert.Equal("associate_senior", profile["person"]!["title"]!.GetValue<string>());
        Assert.Equal("jiangshan", profile["work"]!["county"]!.GetValue<string>());
        Assert.Equal("1993-05-17", profile["person"]!["birthDate"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_imported_record_is_claimed_at_registration_with_the_same_name_and_mobile()
    {
        var window = await App.ClientAsync(Roles.Window);
        var id = NewId(1994);
        var mobile = TestAccounts.NewMobile();
        var report = await (await UploadAsync(window, Roster([Person("认领人", id, mobile)]))).ExpectJsonAsync(HttpStatusCode.Created, "uploading one person");
        await (await CommitAsync(window, report["id"]!.GetValue<long>(), "all")).ExpectJsonAsync(HttpStatusCode.OK, "committing");
        var imported = (await FindPersonAsync(id))!;

        var talent = App.CreateClient();
        var userName = TestAccounts.UniqueName("talent");
        var me = await (await talent.PostJsonAsync("/api/v1/account/register/person", new JsonObject
        {
            ["name"] = "认领人", ["idNumber"] = id, ["mobile"] = mobile, ["userName"] = userName, ["password"] = TestAccounts.Password,
        })).ExpectJsonAsync(HttpStatusCode.Created, "registering with the imported record's name and mobile");
        Http.That(me["subjectId"]!.GetValue<long>() == imported.Id, "the account takes over the imported record", me);
        var record = await (await talent.GetAsync("/api/v1/me/record")).ExpectJsonAsync(HttpStatusCode.OK, "reading the claimed record");
        var level = record["facts"]!.AsArray().Single(f => f!["fact"]!.GetValue<string>() == "education.level")!;
        Http.That(level["status"]!.GetValue<string>() == "imported" && level["statusText"]!.GetValue<string>() == "名册导入", "imported facts say so", level);
    }

    private static string AntiforgeryToken(string html) =>
        Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"") is { Success: true } m
            ? System.Net.WebUtility.HtmlDecode(m.Groups[1].Value)
            : throw new XunitException("the page has no antiforgery token:\n" + html[..Math.Min(html.Length, 2000)]);

    [Fact]
    public async Task The_import_page_uploads_shows_the_report_and_commits_only_the_valid_rows()
    {
        var window = await App.ClientAsync(Roles.Window);
        var page = await (await window.GetAsync("/staff/import")).ExpectAsync(HttpStatusCode.OK, "opening the import page");
        Assert.Contains("roster-upload-form", page);
        Assert.Contains("/api/v1/roster/template.xlsx", page);

        string good = NewId(1987), bad = WithBadCheckDigit(NewId(1986));
        var form = new MultipartFormDataContent
        {
            { new StringContent(AntiforgeryToken(page)), "__RequestVerificationToken" },
            { new ByteArrayContent(Roster([Person("页面导入", good, TestAccounts.NewMobile()), Person("校验位错", bad, TestAccounts.NewMobile())])), "file", "名册.xlsx" },
        };
        var uploaded = await window.PostAsync("/staff/import?handler=Upload", form);
        // Razor writes Chinese from the model as character references: read the page as a browser shows it.
        var report = System.Net.WebUtility.HtmlDecode(await uploaded.ExpectAsync(HttpStatusCode.OK, "uploading through the page (redirected to the report)"));
        var id = Regex.Match(uploaded.RequestMessage!.RequestUri!.Query, @"id=(\d+)").Groups[1].Value;
        Assert.NotEmpty(id);
        Assert.Contains("将新建 1 份档案、更新 0 份、跳过 1 行有误的数据", report);
        Assert.Contains("身份证号码校验位不正确", report);
        Assert.Contains("只导入无误的 1 行", report);
        Assert.DoesNotContain("全部导入（", report);
        NoFullIdNumbers(report, [good, bad], "the import page");

        // a form without its antiforgery token is refused, and nothing is committed
        var forged = await window.PostAsync($"/staff/import?handler=Commit&id={id}", new FormUrlEncodedContent([new("mode", "valid-only")]));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Null(await FindPersonAsync(good));

        var committed = await window.PostAsync($"/staff/import?handler=Commit&id={id}", new FormUrlEncodedContent(
            [new("mode", "valid-only"), new("__RequestVerificationToken", AntiforgeryToken(report))]));
        var after = System.Net.WebUtility.HtmlDecode(await committed.ExpectAsync(HttpStatusCode.OK, "committing the valid rows through the page"));
        Assert.Contains("已新建 1 份档案、更新 0 份，跳过 1 行有误的数据", after);
        Assert.NotNull(await FindPersonAsync(good));

        var talent = await App.ClientAsync(Roles.Talent);
        var denied = await talent.GetAsync("/staff/import");
        Assert.DoesNotContain("roster-upload-form", await denied.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_package_export_opens_with_MiniExcel_and_its_eligible_rows_match_the_package_API()
    {
        var test = App.Catalog.ById["quzhou.allowance.tier7"].Tests.First(t => t.Expect == "eligible" && t.Amount != null);
        var profile = JsonNode.Parse(test.ProfileJson)!.AsObject();
        var birth = DateOnly.Parse(profile["person"]!["birthDate"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        var talent = await App.RegisteredTalentAsync(birth);
        var facts = new JsonObject();
        foreach (var (section, node) in profile)
            foreach (var (name, value) in node!.AsObject())
                if (section + "." + name is not ("subject.kind" or "person.birthDate")) facts[section + "." + name] = value?.DeepClone();
        var patch = new HttpRequestMessage(HttpMethod.Patch, "/api/v1/me/record") { Content = new StringContent(new JsonObject { ["facts"] = facts }.ToJsonString(), Encoding.UTF8, "application/json") };
        await (await talent.Client.SendAsync(patch)).ExpectAsync(HttpStatusCode.OK, "declaring the catalog's PhD profile");

        var date = test.Date.ToString("yyyy-MM-dd");
        var json = await (await talent.Client.GetAsync($"/api/v1/me/package?date={date}")).ExpectJsonAsync(HttpStatusCode.OK, "the package as JSON");
        var eligible = json["package"]!["eligible"]!.AsArray();
        Http.That(eligible.Any(p => p!["id"]!.GetValue<string>() == "quzhou.allowance.tier7"), "the tier-7 allowance is eligible", json);

        var response = await talent.Client.GetAsync($"/api/v1/me/package.xlsx?date={date}");
        await response.ExpectAsync(HttpStatusCode.OK, "the package as .xlsx");
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", response.Content.Headers.ContentType?.MediaType);
        using (var stream = new MemoryStream(await response.Content.ReadAsByteArrayAsync()))
        {
            Assert.Equal(new[] { "概况", "符合条件", "接近符合", "需补充信息" }, MiniExcel.GetSheetNames(stream));
            stream.Position = 0;
            var rows = stream.Query(useHeaderRow: true, sheetName: "符合条件").Cast<IDictionary<string, object?>>().ToList();
            Assert.Equal(eligible.Count, rows.Count);
            foreach (var p in eligible)
            {
                var row = rows.Single(r => (string?)r["政策编号"] == p!["id"]!.GetValue<string>());
                Assert.Equal(p!["amount"]?.GetValue<double>(), row["金额"] is null ? null : Convert.ToDouble(row["金额"], System.Globalization.CultureInfo.InvariantCulture));
                Assert.Equal(p["unit"]!.GetValue<string>(), row["单位"]);
                Assert.Equal(p["source"]!["document"]!.GetValue<string>(), row["文号"]);
                Assert.Equal(p["source"]!["quote"]!.GetValue<string>(), row["原文"]);
            }
            var tier7 = rows.Single(r => (string?)r["政策编号"] == "quzhou.allowance.tier7");
            Assert.Equal(test.Amount, Convert.ToDouble(tier7["金额"], System.Globalization.CultureInfo.InvariantCulture));
        }

        // staff of the city export the same record; its ID number only masked
        var window = await App.ClientAsync(Roles.Window);
        var staffFile = await window.GetAsync($"/api/v1/subjects/{talent.SubjectId}/package.xlsx?date={date}");
        await staffFile.ExpectAsync(HttpStatusCode.OK, "staff exporting the record's package");
        using (var stream = new MemoryStream(await staffFile.Content.ReadAsByteArrayAsync()))
        {
            var summary = stream.Query(useHeaderRow: true, sheetName: "概况").Cast<IDictionary<string, object?>>().ToList();
            Assert.Contains(summary, r => (string?)r["项目"] == "身份证号" && (string?)r["内容"] == ResidentId.Mask(talent.IdNumber));
            NoFullIdNumbers(string.Join("\n", summary.SelectMany(r => r.Values.Select(v => v?.ToString()))), [talent.IdNumber], "the exported package");
        }
        var wenzhou = await App.ClientAsync(Roles.Window, department: "wenzhou.hrss");
        await (await wenzhou.GetAsync($"/api/v1/subjects/{talent.SubjectId}/package.xlsx")).ExpectProblemAsync(HttpStatusCode.NotFound, "staff of another city");
        var other = await App.ClientAsync(Roles.Talent);
        await (await other.GetAsync($"/api/v1/subjects/{talent.SubjectId}/package.xlsx")).ExpectProblemAsync(HttpStatusCode.Forbidden, "another talent");
    }
}

public sealed class RosterScenariosOnSqlite(SqliteApp app) : RosterScenarios, IClassFixture<SqliteApp>
{
    protected override TalentOneApp App => app;
}

[Collection(PostgresCollection.Name)]
public sealed class RosterScenariosOnPostgres(PostgresServer server) : RosterScenarios, IAsyncLifetime
{
    private TalentOneApp? _app;

    protected override TalentOneApp App => _app ?? throw new InvalidOperationException("not initialised");

    public async Task InitializeAsync() => _app = await server.AppFor(nameof(RosterScenariosOnPostgres));

    public Task DisposeAsync() => Task.CompletedTask;
}
