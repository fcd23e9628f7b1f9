using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using TalentOne.Data;
using TalentOne.Data.Registry;
using TalentOne.Data.Roster;
using TalentOne.Policies.Catalog;
using TalentOne.Policies.Profiles;
using TalentOne.Registry.Records;

namespace TalentOne.Registry.Roster;

/// <summary>An import step refused: a Chinese message and the HTTP status it stands for (400 bad request, 404 not found
/// or not in scope, 409 the import or a record changed meanwhile). Nothing was stored.</summary>
public sealed class RosterException(string message, int status = 400) : Exception(message)
{
    public int Status { get; } = status;
}

/// <summary>Bulk import of talents from an .xlsx roster in two steps: upload → a validated preview stored server-side
/// (nothing in the register yet) → commit (all rows, or only the valid ones, in one transaction) or discard.
/// Existing records (same ID number) are updated; every imported value is recorded with the status 名册导入.</summary>
public sealed class RosterImportService(TalentOneDb db, PersonalDataProtector protector, RegistryService registry, TimeProvider clock)
{
    public const string ModeAll = "all";
    public const string ModeValidOnly = "valid-only";

    private static readonly JsonSerializerOptions Compact = RosterReport.JsonOptions;

    /// <summary>A data row as read and checked, before it is stored as a <see cref="RosterImportRow"/>.</summary>
    private sealed class Draft(SheetRow row)
    {
        public SheetRow Row { get; } = row;
        public string? Name;
        public ResidentId? Id;
        public MobileNumber? Mobile;
        public CreditCode? EmployerCode;
        public readonly Dictionary<string, JsonNode?> Facts = new(StringComparer.Ordinal);
        public readonly List<RosterIssue> Issues = [];
        public readonly Dictionary<string, string> Cells = new(StringComparer.Ordinal);
        public bool HasErrors => Issues.Any(i => i.Severity == RosterIssue.Error);
    }

    private sealed record Existing(long Id, string Name, string? City, int Version, string ProfileJson, byte[]? MobileCipher, long? EmployerId);

    // ─── upload → preview ───────────────────────────────────────────────────────────────────────────────────────────

    /// <summary>Reads and validates the file and stores the preview. A file that cannot be imported at all throws
    /// <see cref="RosterFileException"/> and stores nothing.</summary>
    public async Task<RosterImport> UploadAsync(byte[] file, string fileName, RosterActor actor, PolicyCatalog catalog, string catalogRoot,
        DateOnly today, CancellationToken ct)
    {
        var format = RosterFormat.Load(catalogRoot, catalog);
        var sheet = RosterReader.Read(file, format);
        var columns = sheet.Columns;
        SheetColumn? Col(RosterField f) => columns.FirstOrDefault(c => c.Column?.Field == f);
        var byFact = columns.Where(c => c.Column?.Fact != null).ToDictionary(c => c.Column!.Fact!.Path, StringComparer.Ordinal);
        SheetColumn? nameCol = Col(RosterField.Name), idCol = Col(RosterField.IdNumber), mobileCol = Col(RosterField.Mobile),
            codeCol = Col(RosterField.EmployerCreditCode);
        byFact.TryGetValue("work.city", out var cityCol);

        var fileIssues = columns.Where(c => c.Column == null)
            .Select(c => new RosterIssue(null, c.Letter, c.Header, "未识别的列，已忽略（列名可对照导入模板）", RosterIssue.Warning)).ToList();

        // 1. each cell on its own
        var drafts = new List<Draft>();
        foreach (var row in sheet.Rows)
        {
            var d = new Draft(row);
            void Error(SheetColumn? c, string message) => d.Issues.Add(new RosterIssue(row.Number, c?.Letter, c?.Header, message));
            foreach (var c in columns)
                if (RosterCells.Text(row[c.Letter]) is { } text)
                    d.Cells[c.Letter] = c.Column?.Field is RosterField.IdNumber or RosterField.Mobile ? "" : Mask(text);

            var name = RosterCells.Text(row[nameCol!.Letter]);
            if (name == null) Error(nameCol, "姓名不能为空");
            else if (name.Length > 50) Error(nameCol, "姓名不能超过 50 个字");
            else d.Name = name;

            var idRaw = row[idCol!.Letter];
            var idText = RosterCells.Text(idRaw);
            if (idText == null) Error(idCol, "身份证号不能为空");
            else if (idRaw is double) Error(idCol, "身份证号被存成了数字，末几位可能已丢失：请把该列设为“文本”格式后重新填写");
            else if (ResidentId.TryParse(idText, today, out var id, out var idError)) d.Id = id;
            else Error(idCol, idError!);
            if (idText != null) d.Cells[idCol.Letter] = d.Id?.Masked ?? ResidentId.Mask(idText.Replace(" ", "", StringComparison.Ordinal));

            var mobileText = RosterCells.Text(row[mobileCol!.Letter]);
            if (mobileText == null) Error(mobileCol, "手机号不能为空");
            else if (MobileNumber.TryParse(mobileText, out var mobile, out var mobileError)) d.Mobile = mobile;
            else Error(mobileCol, mobileError!);
            if (mobileText != null) d.Cells[mobileCol.Letter] = d.Mobile?.Masked ?? ResidentId.Mask(mobileText);

            if (codeCol != null && RosterCells.Text(row[codeCol.Letter]) is { } codeText)
            {
                if (CreditCode.TryParse(codeText, out var code, out var codeError)) d.EmployerCode = code;
                else Error(codeCol, codeError!);
            }

            foreach (var (path, c) in byFact)
            {
                var value = RosterCells.Read(c.Column!, row[c.Letter], out var error);
                if (error != null) Error(c, error);
                else if (value != null) d.Facts[path] = value;
                else if (c.Column!.Required) Error(c, $"{c.Column.Header}不能为空");
            }
            if (actor.ScopeCity is { } scope && d.Facts.TryGetValue("work.city", out var city) && city!.GetValue<string>() != scope)
                Error(cityCol, $"只能导入本部门所在城市（{CityLabel(catalog, scope)}）的人员");
            drafts.Add(d);
        }

        // 2. the same person twice in the file: every occurrence is refused, which one is right is for the office to say
        foreach (var group in drafts.Where(d => d.Id != null).GroupBy(d => d.Id!.Value.Value).Where(g => g.Count() > 1))
            foreach (var d in group)
                d.Issues.Add(new RosterIssue(d.Row.Number, idCol!.Letter, idCol.Header,
                    $"身份证号 {d.Id!.Value.Masked} 在文件中出现了 {group.Count()} 次（第 {string.Join("、", group.Select(x => x.Row.Number))} 行），同一人只能出现一次"));

        // 3. against the register
        var indexes = drafts.Where(d => d.Id != null).ToDictionary(d => d, d => protector.BlindIndex("id:" + d.Id!.Value.Value));
        var existing = new Dictionary<string, Existing>(StringComparer.Ordinal);
        foreach (var chunk in indexes.Values.Distinct().Chunk(500))
            foreach (var s in await db.Subjects.AsNoTracking().Where(s => s.Kind == SubjectKind.Person && chunk.Contains(s.IdentifierIndex))
                         .Select(s => new { s.IdentifierIndex, s.Id, s.Name, s.City, s.Version, s.ProfileJson, s.MobileCipher, s.EmployerId }).ToListAsync(ct))
                existing[s.IdentifierIndex] = new Existing(s.Id, s.Name, s.City, s.Version, s.ProfileJson, s.MobileCipher, s.EmployerId);
        var existingIds = existing.Values.Select(e => e.Id).ToList();
        var claimed = new HashSet<long>();
        foreach (var chunk in existingIds.Chunk(500))
            claimed.UnionWith(await db.Users.Where(u => u.SubjectId != null && chunk.Contains(u.SubjectId.Value)).Select(u => u.SubjectId!.Value).ToListAsync(ct));
        var codeIndexes = drafts.Where(d => d.EmployerCode != null).Select(d => protector.BlindIndex("uscc:" + d.EmployerCode!.Value.Value)).Distinct().ToList();
        var employers = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var chunk in codeIndexes.Chunk(500))
            foreach (var e in await db.Subjects.AsNoTracking().Where(s => s.Kind == SubjectKind.Enterprise && chunk.Contains(s.IdentifierIndex))
                         .Select(s => new { s.IdentifierIndex, s.Id }).ToListAsync(ct))
                employers[e.IdentifierIndex] = e.Id;

        // 4. each row as a whole: the resulting profile, what committing it would do
        var rows = new List<RosterImportRow>();
        foreach (var d in drafts)
        {
            var number = d.Row.Number;
            Existing? record = d.Id != null ? existing.GetValueOrDefault(indexes[d]) : null;
            long? employerId = null;
            if (d.EmployerCode is { } code)
            {
                if (employers.TryGetValue(protector.BlindIndex("uscc:" + code.Value), out var eid)) employerId = eid;
                else d.Issues.Add(new RosterIssue(number, codeCol!.Letter, codeCol.Header,
                    $"统一社会信用代码 {code.Masked} 的企业尚未建档，暂不关联单位", RosterIssue.Warning));
            }
            var updateMobile = false;
            Dictionary<string, JsonNode?> facts = d.Facts;
            if (record != null)
            {
                if (d.Name != null && record.Name != d.Name)
                    d.Issues.Add(new RosterIssue(number, nameCol!.Letter, nameCol.Header, $"身份证号 {d.Id!.Value.Masked} 已建档，但姓名与档案中的不一致，请核对"));
                if (actor.ScopeCity is { } scope && record.City != null && record.City != scope)
                    d.Issues.Add(new RosterIssue(number, idCol!.Letter, idCol.Header, $"身份证号 {d.Id!.Value.Masked} 已在其他城市建档，本部门无权更新，请联系人才办"));
                if (d.Mobile is { } m && record.MobileCipher is { } mc && protector.Decrypt(mc) != m.Value)
                {
                    if (claimed.Contains(record.Id))
                        d.Issues.Add(new RosterIssue(number, mobileCol!.Letter, mobileCol.Header, "本人已注册账号，手机号以本人账号为准，不更新", RosterIssue.Warning));
                    else updateMobile = true;
                }
                var current = JsonNode.Parse(record.ProfileJson)!.AsObject();
                facts = d.Facts.Where(f => !JsonNode.DeepEquals(Get(current, f.Key), f.Value)).ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);
                if (!d.HasErrors) CheckProfile(d, Apply(current, facts), catalog, today, byFact, idCol!);
            }
            else if (d.Id is { } id && !d.HasErrors)
            {
                var profile = new JsonObject
                {
                    ["subject"] = new JsonObject { ["kind"] = "person" },
                    ["person"] = new JsonObject { ["birthDate"] = id.BirthDate.ToString("yyyy-MM-dd") },
                };
                CheckProfile(d, Apply(profile, facts), catalog, today, byFact, idCol!);
            }

            var action = d.HasErrors ? RosterRowAction.Invalid
                : record == null ? RosterRowAction.Create
                : facts.Count > 0 || updateMobile || (employerId != null && employerId != record.EmployerId) ? RosterRowAction.Update
                : RosterRowAction.Unchanged;
            rows.Add(new RosterImportRow
            {
                RowNumber = number, Action = action, Name = d.Name,
                IdCipher = d.Id is { } i ? protector.Encrypt(i.Value) : null,
                IdIndex = d.Id != null ? indexes[d] : null,
                IdMasked = d.Id?.Masked ?? d.Cells.GetValueOrDefault(idCol!.Letter),
                MobileCipher = d.Mobile is { } mm ? protector.Encrypt(mm.Value) : null,
                MobileMasked = d.Mobile?.Masked,
                SubjectId = record?.Id, SubjectVersion = record?.Version, EmployerId = employerId, UpdateMobile = updateMobile,
                FactsJson = new JsonObject(facts.Select(f => KeyValuePair.Create(f.Key, f.Value?.DeepClone()))).ToJsonString(Compact),
                CellsJson = JsonSerializer.Serialize(d.Cells, Compact),
                IssuesJson = JsonSerializer.Serialize(d.Issues, Compact),
            });
        }

        var import = new RosterImport
        {
            FileName = SafeFileName(fileName), FileSize = file.Length, SheetName = sheet.SheetName, HeaderRow = sheet.HeaderRow,
            Status = RosterImportStatus.Pending, ScopeCity = actor.ScopeCity,
            RowCount = rows.Count,
            ValidCount = rows.Count(r => r.Action != RosterRowAction.Invalid),
            InvalidCount = rows.Count(r => r.Action == RosterRowAction.Invalid),
            CreateCount = rows.Count(r => r.Action == RosterRowAction.Create),
            UpdateCount = rows.Count(r => r.Action == RosterRowAction.Update),
            UnchangedCount = rows.Count(r => r.Action == RosterRowAction.Unchanged),
            ColumnsJson = JsonSerializer.Serialize(columns.Select(c => Describe(c)).ToList(), Compact),
            FileIssuesJson = JsonSerializer.Serialize(fileIssues, Compact),
            CatalogVersion = catalog.Version, ValidatedOn = today,
            CreatedByUserId = actor.UserId, DepartmentId = actor.DepartmentId, CreatedAt = clock.GetUtcNow(),
        };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Set<RosterImport>().Add(import);
        await db.SaveChangesAsync(ct);
        foreach (var r in rows) r.ImportId = import.Id;
        db.Set<RosterImportRow>().AddRange(rows);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return import;
    }

    /// <summary>The whole profile as it would be after the import, checked the way the register checks it; each error is
    /// put on the column of its fact (the birth date on the ID number's column).</summary>
    private static void CheckProfile(Draft d, JsonObject profile, PolicyCatalog catalog, DateOnly today,
        IReadOnlyDictionary<string, SheetColumn> byFact, SheetColumn idCol)
    {
        try { ProfileReader.Read(catalog, profile.ToJsonString(), today); }
        catch (ProfileException pe)
        {
            foreach (var e in pe.Errors)
            {
                var c = byFact.GetValueOrDefault(e.Field) ?? (e.Field == "person.birthDate" ? idCol : null);
                var label = catalog.Schema.Facts.TryGetValue(e.Field, out var def) ? def.Label : e.Field;
                d.Issues.Add(new RosterIssue(d.Row.Number, c?.Letter, c?.Header, c != null ? e.Message : $"档案中已有的“{label}”与本行不一致：{e.Message}"));
            }
        }
    }

    private static JsonObject Apply(JsonObject profile, IReadOnlyDictionary<string, JsonNode?> facts)
    {
        foreach (var (path, value) in facts)
        {
            var dot = path.IndexOf('.');
            if (profile[path[..dot]] is not JsonObject section) profile[path[..dot]] = section = new JsonObject();
            section[path[(dot + 1)..]] = value?.DeepClone();
        }
        return profile;
    }

    private static JsonNode? Get(JsonObject profile, string path)
    {
        var dot = path.IndexOf('.');
        return (profile[path[..dot]] as JsonObject)?[path[(dot + 1)..]];
    }

    private static RosterColumnInfo Describe(SheetColumn c) => c.Column switch
    {
        null => new(c.Letter, c.Header, null, "未识别，忽略"),
        { Field: RosterField.Fact } col => new(c.Letter, c.Header, col.Fact!.Path, col.Fact.Label),
        { Field: RosterField.Ignore } => new(c.Letter, c.Header, "ignore", "不导入"),
        var col => new(c.Letter, c.Header, col.Field switch
        {
            RosterField.Name => "name",
            RosterField.IdNumber => "idNumber",
            RosterField.Mobile => "mobile",
            RosterField.EmployerName => "employerName",
            _ => "employerCreditCode",
        }, col.Field switch
        {
            RosterField.Name => "姓名",
            RosterField.IdNumber => "身份证号",
            RosterField.Mobile => "手机号",
            RosterField.EmployerName => "工作单位（仅显示）",
            _ => "用人单位（按统一社会信用代码关联企业档案）",
        }),
    };

    private static string CityLabel(PolicyCatalog catalog, string city) =>
        catalog.Schema.Facts.TryGetValue("work.city", out var f) ? f.Type.Enum?.Find(city)?.Label ?? city : city;

    /// <summary>A cell as the report shows it: anything that looks like an ID number masked.</summary>
    private static string Mask(string text) =>
        System.Text.RegularExpressions.Regex.Replace(text, @"\d{14,}[\dXx]", m => ResidentId.Mask(m.Value));

    private static string SafeFileName(string name)
    {
        var n = Path.GetFileName((name ?? "").Replace('\\', '/'));
        n = new string(n.Where(c => !char.IsControl(c)).ToArray()).Trim();
        return n.Length == 0 ? "roster.xlsx" : n.Length > 200 ? n[..200] : n;
    }

    // ─── read ───────────────────────────────────────────────────────────────────────────────────────────────────────

    /// <summary>An import the actor may see: the talent office every one, staff those of their city.</summary>
    public async Task<RosterImport?> FindAsync(long id, RosterActor actor, CancellationToken ct)
    {
        var import = await db.Set<RosterImport>().AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, ct);
        return import != null && (actor.ScopeCity == null || import.ScopeCity == actor.ScopeCity) ? import : null;
    }

    public async Task<IReadOnlyList<RosterImport>> ListAsync(RosterActor actor, int take, CancellationToken ct)
    {
        var q = db.Set<RosterImport>().AsNoTracking();
        if (actor.ScopeCity is { } city) q = q.Where(i => i.ScopeCity == city);
        return await q.OrderByDescending(i => i.Id).Take(take).ToListAsync(ct);
    }

    public async Task<IReadOnlyList<RosterImportRow>> RowsAsync(long importId, CancellationToken ct) =>
        await db.Set<RosterImportRow>().AsNoTracking().Where(r => r.ImportId == importId).OrderBy(r => r.RowNumber).ToListAsync(ct);

    public async Task<RosterReport> ReportAsync(RosterImport import, CancellationToken ct) =>
        Report(import, await RowsAsync(import.Id, ct));

    public static RosterReport Report(RosterImport i, IReadOnlyList<RosterImportRow> rows)
    {
        var counts = new RosterCounts(i.RowCount, i.ValidCount, i.InvalidCount, i.CreateCount, i.UpdateCount, i.UnchangedCount);
        var pending = i.Status == RosterImportStatus.Pending;
        var toDo = i.CreateCount + i.UpdateCount;
        var issues = rows.SelectMany(r => Issues(r)).ToList();
        string? outcome = i.Status switch
        {
            RosterImportStatus.Committed => $"已新建 {i.CreatedRecords} 份档案、更新 {i.UpdatedRecords} 份" + (i.CommitMode == ModeValidOnly && i.InvalidCount > 0 ? $"，跳过 {i.InvalidCount} 行有误的数据" : ""),
            RosterImportStatus.Discarded => "已放弃，未写入任何档案",
            _ => null,
        };
        return new RosterReport(i.Id, i.FileName, i.SheetName, i.HeaderRow, RosterReport.StatusCodeOf(i.Status), RosterReport.StatusTextOf(i.Status),
            i.CreatedAt.ToString("O"), i.ScopeCity, i.CatalogVersion, i.ValidatedOn.ToString("yyyy-MM-dd"),
            counts, RosterReport.StatementFor(counts, skipInvalid: true), i.InvalidCount == 0 ? RosterReport.StatementFor(counts, skipInvalid: false) : null,
            pending && i.InvalidCount == 0 && toDo > 0, pending && toDo > 0,
            JsonSerializer.Deserialize<List<RosterColumnInfo>>(i.ColumnsJson, Compact) ?? [],
            JsonSerializer.Deserialize<List<RosterIssue>>(i.FileIssuesJson, Compact) ?? [],
            issues,
            rows.Select(r =>
            {
                var list = Issues(r);
                return new RosterRowSummary(r.RowNumber, RosterReport.ActionCode(r.Action), RosterReport.ActionText(r.Action), r.Name, r.IdMasked,
                    list.Count(x => x.Severity == RosterIssue.Error), list.Count(x => x.Severity == RosterIssue.Warning));
            }).ToList(),
            i.CommitMode, i.FinishedAt?.ToString("O"), i.CreatedRecords, i.UpdatedRecords, outcome);
    }

    public static IReadOnlyList<RosterIssue> Issues(RosterImportRow r) => JsonSerializer.Deserialize<List<RosterIssue>>(r.IssuesJson, Compact) ?? [];

    public static IReadOnlyDictionary<string, string> Cells(RosterImportRow r) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(r.CellsJson, Compact) ?? [];

    // ─── commit / discard ───────────────────────────────────────────────────────────────────────────────────────────

    /// <summary>Writes the chosen rows to the register in one transaction: every row or none. "all" is refused while any
    /// row is invalid. A row whose person was registered, or whose record was changed, after the preview stops the whole
    /// commit (409): the office uploads the roster again to see the new state.</summary>
    public async Task<RosterImport> CommitAsync(long id, string? mode, RosterActor actor, PolicyCatalog catalog, CancellationToken ct)
    {
        var import = await FindAsync(id, actor, ct) ?? throw new RosterException("导入记录不存在，或不属于本部门所在的城市", 404);
        if (import.Status != RosterImportStatus.Pending)
            throw new RosterException(import.Status == RosterImportStatus.Committed ? "该名册已经导入，不能重复导入" : "该名册导入已放弃，请重新上传", 409);
        if (mode is not (ModeAll or ModeValidOnly)) throw new RosterException("请选择导入方式：all（全部导入）或 valid-only（只导入无误的行）");
        if (mode == ModeAll && import.InvalidCount > 0)
            throw new RosterException($"有 {import.InvalidCount} 行数据有误，不能全部导入：请修正后重新上传，或选择“只导入无误的行”（{RosterReport.StatementFor(new(import.RowCount, import.ValidCount, import.InvalidCount, import.CreateCount, import.UpdateCount, import.UnchangedCount), true)}）");
        if (import.CreateCount + import.UpdateCount == 0) throw new RosterException("没有需要新建或更新的档案");

        var rows = await db.Set<RosterImportRow>().AsNoTracking()
            .Where(r => r.ImportId == id && (r.Action == RosterRowAction.Create || r.Action == RosterRowAction.Update))
            .OrderBy(r => r.RowNumber).ToListAsync(ct);
        var by = new Provenance(actor.UserId, FactStatus.Imported, actor.DepartmentId, $"名册导入（第 {import.Id} 号，{import.FileName}）");
        int created = 0, updated = 0;
        RosterImportRow? current = null;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            foreach (var r in rows)
            {
                current = r;
                var facts = JsonNode.Parse(r.FactsJson)!.AsObject().ToDictionary(f => f.Key, f => f.Value?.DeepClone(), StringComparer.Ordinal);
                var row = by with { Material = by.Material + $" 第 {r.RowNumber} 行" };
                if (r.Action == RosterRowAction.Create)
                {
                    var idNumber = protector.Decrypt(r.IdCipher!);
                    var conflict = new RosterException($"第 {r.RowNumber} 行：身份证号 {r.IdMasked} 在预览之后已建档，本次导入未写入任何数据；请重新上传名册", 409);
                    Subject subject;
                    try { subject = await registry.NewPersonAsync(new PersonRegistration(r.Name!, idNumber, protector.Decrypt(r.MobileCipher!)), ct); }
                    catch (RegistryException re) when (re.Status == 409) { throw conflict; }
                    // An existing record returned here is one its owner could claim: not what the preview said.
                    if (subject.Id != 0) throw conflict;
                    subject.EmployerId = r.EmployerId;
                    registry.Add(subject, actor.UserId);
                    await db.SaveChangesAsync(ct);
                    if (facts.Count > 0) await registry.ChangeFactsAsync(subject.Id, facts, row, catalog, null, ct);
                    created++;
                }
                else
                {
                    if (facts.Count > 0) await registry.ChangeFactsAsync(r.SubjectId!.Value, facts, row, catalog, r.SubjectVersion, ct);
                    var subject = await db.Subjects.FirstAsync(s => s.Id == r.SubjectId, ct);
                    if (facts.Count == 0 && subject.Version != r.SubjectVersion) throw new RegistryException("version", "档案已被他人修改", 409);
                    if (r.UpdateMobile || (r.EmployerId != null && r.EmployerId != subject.EmployerId))
                    {
                        if (r.UpdateMobile)
                        {
                            subject.MobileCipher = r.MobileCipher;
                            subject.MobileMasked = r.MobileMasked;
                        }
                        if (r.EmployerId != null) subject.EmployerId = r.EmployerId;
                        subject.UpdatedAt = clock.GetUtcNow();
                        subject.Version++;
                        await db.SaveChangesAsync(ct);
                    }
                    updated++;
                }
                // Rows already written are not needed in memory; a long roster would otherwise slow every save.
                db.ChangeTracker.Clear();
            }

            var tracked = await db.Set<RosterImport>().FirstAsync(i => i.Id == id, ct);
            if (tracked.Status != RosterImportStatus.Pending || tracked.Version != import.Version)
                throw new RosterException("该名册正在由他人处理，请刷新后查看", 409);
            tracked.Status = RosterImportStatus.Committed;
            tracked.CommitMode = mode;
            tracked.FinishedByUserId = actor.UserId;
            tracked.FinishedAt = clock.GetUtcNow();
            tracked.CreatedRecords = created;
            tracked.UpdatedRecords = updated;
            tracked.Version++;
            await db.SaveChangesAsync(ct);
            await ForgetIdentifiersAsync(id, ct);
            await tx.CommitAsync(ct);
            return tracked;
        }
        catch (RegistryException re)
        {
            db.ChangeTracker.Clear();
            throw new RosterException(re.Status == 409
                ? $"第 {current?.RowNumber} 行：档案在预览之后已被修改，本次导入未写入任何数据；请重新上传名册"
                : $"第 {current?.RowNumber} 行不能写入档案（{string.Join("；", re.Errors.Select(e => e.Message))}），本次导入未写入任何数据", re.Status == 409 ? 409 : 400);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            throw new RosterException("该名册或其中的档案正在由他人处理，本次导入未写入任何数据；请刷新后重试", 409);
        }
        catch
        {
            db.ChangeTracker.Clear();
            throw;
        }
    }

    public async Task<RosterImport> DiscardAsync(long id, RosterActor actor, CancellationToken ct)
    {
        var found = await FindAsync(id, actor, ct) ?? throw new RosterException("导入记录不存在，或不属于本部门所在的城市", 404);
        if (found.Status != RosterImportStatus.Pending)
            throw new RosterException(found.Status == RosterImportStatus.Committed ? "该名册已经导入，不能放弃" : "该名册导入已放弃", 409);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var import = await db.Set<RosterImport>().FirstAsync(i => i.Id == id, ct);
        import.Status = RosterImportStatus.Discarded;
        import.FinishedByUserId = actor.UserId;
        import.FinishedAt = clock.GetUtcNow();
        import.Version++;
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateConcurrencyException) { throw new RosterException("该名册正在由他人处理，请刷新后查看", 409); }
        await ForgetIdentifiersAsync(id, ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return import;
    }

    /// <summary>Once an import is finished its rows keep only masked identifiers: the ID numbers and mobiles now live in
    /// the register (or were never wanted).</summary>
    private async Task ForgetIdentifiersAsync(long id, CancellationToken ct) =>
        await db.Set<RosterImportRow>().Where(r => r.ImportId == id)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.IdCipher, (byte[]?)null).SetProperty(r => r.MobileCipher, (byte[]?)null), ct);
}
