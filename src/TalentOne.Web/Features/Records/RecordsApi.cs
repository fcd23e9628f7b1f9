using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using TalentOne.Data;
using TalentOne.Data.Registry;
using TalentOne.Policies.Catalog;
using TalentOne.Policies.Evaluation;
using TalentOne.Registry.Accounts;
using TalentOne.Registry.Records;
using TalentOne.Web.Features.Accounts;
using TalentOne.Web.Features.Catalog;
using TalentOne.Web.Infrastructure;

namespace TalentOne.Web.Features.Records;

public sealed record FactDto(string Fact, string Label, JsonNode? Value, string Display, string Status, string StatusText,
    string? DepartmentId, string? Department, string? Material, string At);

public sealed record RecordDto(long Id, string Kind, string Name, string IdentifierMasked, string? MobileMasked, string? City,
    int Version, JsonObject Profile, IReadOnlyList<FactDto> Facts, string CreatedAt, string UpdatedAt);

public sealed record FactChangeDto(long Id, string Fact, string Label, JsonNode? OldValue, JsonNode? NewValue, string Status, string StatusText,
    string? DepartmentId, string? Material, string ByUser, string At, string? Note);

/// <summary>PATCH body: facts by path (null clears one), and the version the change was made on.</summary>
public sealed record ChangeFactsRequest(Dictionary<string, JsonNode?>? Facts, int? Version, string? Material, string? Note);

public sealed record RecordSummaryDto(long Id, string Kind, string Name, string IdentifierMasked, string? City, string UpdatedAt);

/// <summary>Search text (a name, or a full ID number / credit code) and optionally the kind (person | enterprise).</summary>
public sealed record SearchRequest(string? Q, string? Kind);

public sealed record NewPersonByWindowRequest(string? Name, string? IdNumber, string? Mobile, Dictionary<string, JsonNode?>? Facts);

/// <summary>The package of a record, with the eligible policies the holder has not applied for (未勾选但符合条件).</summary>
public sealed record RecordPackageDto(PackageDto Package, IReadOnlyList<string> NotYetApplied);

/// <summary>The register through the API: a holder reads and declares its own record; staff find, read and verify the
/// records of their city (the talent office and auditors: every city; auditors read only).</summary>
public static class RecordsApi
{
    public static IEndpointRouteBuilder MapRegistryApi(this IEndpointRouteBuilder app)
    {
        var me = app.MapGroup("/api/v1/me").WithTags("我的档案").RequireAuthorization(AccessPolicies.Holder);
        me.MapGet("/record", MyRecord).WithSummary("我的档案：每项事实的取值，以及是自行申报还是经部门核验");
        me.MapPatch("/record", ChangeMyRecord).WithSummary("修改我的档案（自行申报）：逐项校验，记录修改前后的值");
        me.MapGet("/record/history", MyHistory).WithSummary("我的档案修改记录");
        me.MapGet("/package", MyPackage).WithSummary("我可享受的政策包（含未申报但符合条件的政策）");

        var staff = app.MapGroup("/api/v1/subjects").WithTags("档案管理");
        staff.MapPost("/search", Search).RequireAuthorization(AccessPolicies.StaffOrOversight)
            .WithSummary("查找档案（姓名、完整身份证号或统一社会信用代码）；用 POST，证件号码不出现在网址和访问日志中");
        staff.MapGet("/{id:long}", Get).RequireAuthorization(AccessPolicies.StaffOrOversight).WithSummary("一份档案");
        staff.MapGet("/{id:long}/history", History).RequireAuthorization(AccessPolicies.StaffOrOversight).WithSummary("一份档案的修改记录");
        staff.MapGet("/{id:long}/package", Package).RequireAuthorization(AccessPolicies.StaffOrOversight).WithSummary("一份档案的政策包");
        staff.MapPost("/{id:long}/facts", Verify).RequireAuthorization(AccessPolicies.Staff).WithSummary("依据材料核验或更正事实（记录部门与材料）");
        staff.MapPost("/persons", RegisterForPerson).RequireAuthorization(AccessPolicies.Staff).WithSummary("窗口代为建档（无账号；本人注册时以姓名和手机号认领）");
        return app;
    }

    private static async Task<Results<Ok<RecordDto>, NotFound>> MyRecord(HttpContext http, TalentOneDb db, RegistryService registry, CatalogHolder holder, CancellationToken ct)
    {
        var subject = await db.Subjects.AsNoTracking().FirstOrDefaultAsync(s => s.Id == http.User.SubjectId(), ct);
        return subject == null ? TypedResults.NotFound() : TypedResults.Ok(await ToDtoAsync(subject, registry, db, holder.Current, ct));
    }

    private static async Task<Results<Ok<RecordDto>, ValidationProblem, ProblemHttpResult>> ChangeMyRecord(
        ChangeFactsRequest body, HttpContext http, TalentOneDb db, RegistryService registry, CatalogHolder holder, CancellationToken ct)
    {
        if (holder.Current is not { } catalog) return Problems.CatalogUnavailable();
        var id = http.User.SubjectId()!.Value;
        try
        {
            await registry.ChangeFactsAsync(id, body.Facts ?? [], Provenance.Declared(http.User.UserId()) with { Note = body.Note }, catalog, body.Version, ct);
        }
        catch (RegistryException re) { return Refused(re); }
        var subject = await db.Subjects.AsNoTracking().FirstAsync(s => s.Id == id, ct);
        return TypedResults.Ok(await ToDtoAsync(subject, registry, db, catalog, ct));
    }

    private static async Task<Ok<List<FactChangeDto>>> MyHistory(HttpContext http, TalentOneDb db, CatalogHolder holder, CancellationToken ct) =>
        TypedResults.Ok(await HistoryAsync(http.User.SubjectId()!.Value, db, holder.Current, ct));

    private static async Task<Results<Ok<RecordPackageDto>, ValidationProblem, ProblemHttpResult, NotFound>> MyPackage(
        string? date, HttpContext http, TalentOneDb db, CatalogHolder holder, TimeProvider clock, CancellationToken ct) =>
        await PackageAsync(http.User.SubjectId()!.Value, date, db, holder, clock, ct);

    private static async Task<Ok<List<RecordSummaryDto>>> Search(SearchRequest body, HttpContext http, TalentOneDb db, PersonalDataProtector protector, CancellationToken ct)
    {
        var (q, kind) = (body.Q, body.Kind);
        var query = Scoped(db.Subjects.AsNoTracking(), http.User);
        if (kind is "person") query = query.Where(s => s.Kind == SubjectKind.Person);
        else if (kind is "enterprise") query = query.Where(s => s.Kind == SubjectKind.Enterprise);
        var text = (q ?? "").Trim();
        if (text.Length > 0)
        {
            // A full ID number or credit code is looked up by its blind index; anything else matches the name.
            var upper = text.ToUpperInvariant();
            var indexes = new[] { protector.BlindIndex("id:" + upper), protector.BlindIndex("uscc:" + upper) };
            query = query.Where(s => indexes.Contains(s.IdentifierIndex) || s.Name.Contains(text));
        }
        var list = await query.OrderByDescending(s => s.Id).Take(100)
            .Select(s => new { s.Id, s.Kind, s.Name, s.IdentifierMasked, s.City, s.UpdatedAt }).ToListAsync(ct);
        return TypedResults.Ok(list.Select(s => new RecordSummaryDto(s.Id, KindCode(s.Kind), s.Name, s.IdentifierMasked, s.City, s.UpdatedAt.ToString("O"))).ToList());
    }

    private static async Task<Results<Ok<RecordDto>, NotFound>> Get(long id, HttpContext http, TalentOneDb db, RegistryService registry, CatalogHolder holder, CancellationToken ct)
    {
        var subject = await Scoped(db.Subjects.AsNoTracking(), http.User).FirstOrDefaultAsync(s => s.Id == id, ct);
        return subject == null ? TypedResults.NotFound() : TypedResults.Ok(await ToDtoAsync(subject, registry, db, holder.Current, ct));
    }

    private static async Task<Results<Ok<List<FactChangeDto>>, NotFound>> History(long id, HttpContext http, TalentOneDb db, CatalogHolder holder, CancellationToken ct)
    {
        if (!await Scoped(db.Subjects, http.User).AnyAsync(s => s.Id == id, ct)) return TypedResults.NotFound();
        return TypedResults.Ok(await HistoryAsync(id, db, holder.Current, ct));
    }

    private static async Task<Results<Ok<RecordPackageDto>, ValidationProblem, ProblemHttpResult, NotFound>> Package(
        long id, string? date, HttpContext http, TalentOneDb db, CatalogHolder holder, TimeProvider clock, CancellationToken ct)
    {
        if (!await Scoped(db.Subjects, http.User).AnyAsync(s => s.Id == id, ct)) return TypedResults.NotFound();
        return await PackageAsync(id, date, db, holder, clock, ct);
    }

    private static async Task<Results<Ok<RecordDto>, ValidationProblem, ProblemHttpResult>> Verify(
        long id, ChangeFactsRequest body, HttpContext http, TalentOneDb db, RegistryService registry, CatalogHolder holder, CancellationToken ct)
    {
        if (holder.Current is not { } catalog) return Problems.CatalogUnavailable();
        if (!await Scoped(db.Subjects, http.User).AnyAsync(s => s.Id == id, ct))
            return TypedResults.Problem(title: "未找到", detail: "档案不存在，或不属于本部门所在的城市", statusCode: 404);
        if (string.IsNullOrWhiteSpace(body.Material)) return Problems.Invalid("material", "核验须注明依据的材料（如“劳动合同”“学位证书编号……”）");
        try
        {
            await registry.ChangeFactsAsync(id, body.Facts ?? [],
                new Provenance(http.User.UserId(), FactStatus.Verified, http.User.DepartmentId(), body.Material, body.Note), catalog, body.Version, ct);
        }
        catch (RegistryException re) { return Refused(re); }
        var subject = await db.Subjects.AsNoTracking().FirstAsync(s => s.Id == id, ct);
        return TypedResults.Ok(await ToDtoAsync(subject, registry, db, catalog, ct));
    }

    private static async Task<Results<Created<RecordDto>, ValidationProblem, ProblemHttpResult>> RegisterForPerson(
        NewPersonByWindowRequest body, HttpContext http, TalentOneDb db, RegistryService registry, CatalogHolder holder, CancellationToken ct)
    {
        if (holder.Current is not { } catalog) return Problems.CatalogUnavailable();
        try
        {
            var subject = await RegisterOnBehalfAsync(body, http.User, db, registry, catalog, ct);
            var saved = await db.Subjects.AsNoTracking().FirstAsync(s => s.Id == subject.Id, ct);
            return TypedResults.Created($"/api/v1/subjects/{subject.Id}", await ToDtoAsync(saved, registry, db, catalog, ct));
        }
        catch (RegistryException re)
        {
            db.ChangeTracker.Clear();
            return re.Status == 400 ? Problems.Invalid(re.Errors, "提交的信息有误") : Problems.Refused(re);
        }
    }

    /// <summary>窗口代为建档: a person's record made by staff, without an account (the person claims it at registration
    /// with the same name and mobile). The record belongs to the staff member's city; record and facts in one transaction.</summary>
    public static async Task<Subject> RegisterOnBehalfAsync(NewPersonByWindowRequest body, ClaimsPrincipal staff, TalentOneDb db,
        RegistryService registry, PolicyCatalog catalog, CancellationToken ct)
    {
        var subject = await registry.NewPersonAsync(new PersonRegistration(body.Name ?? "", body.IdNumber ?? "", body.Mobile ?? ""), ct);
        if (subject.Id != 0) throw new RegistryException("idNumber", $"身份证号 {subject.IdentifierMasked} 已建档", 409);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        registry.Add(subject, staff.UserId());
        await db.SaveChangesAsync(ct);
        var facts = body.Facts ?? [];
        if (ScopeCity(staff) is { } city && !facts.ContainsKey("work.city")) facts["work.city"] = city;
        if (facts.Count > 0)
            await registry.ChangeFactsAsync(subject.Id, facts, new Provenance(staff.UserId(), FactStatus.Declared, staff.DepartmentId(), null, "窗口代为建档"), catalog, null, ct);
        await tx.CommitAsync(ct);
        return subject;
    }

    /// <summary>The city a staff account works for (its department's city); null = every city (talent office or
    /// auditor without a department).</summary>
    public static string? ScopeCity(ClaimsPrincipal user)
    {
        var dep = user.DepartmentId();
        if (dep != null) return dep[..dep.IndexOf('.', StringComparison.Ordinal)];
        return user.IsInRole(Roles.Admin) || user.IsInRole(Roles.Auditor) ? null : "\0none";
    }

    public static IQueryable<Subject> Scoped(IQueryable<Subject> q, ClaimsPrincipal user) =>
        ScopeCity(user) is { } city ? q.Where(s => s.City == city) : q;

    public static async Task<Results<Ok<RecordPackageDto>, ValidationProblem, ProblemHttpResult, NotFound>> PackageAsync(
        long id, string? date, TalentOneDb db, CatalogHolder holder, TimeProvider clock, CancellationToken ct)
    {
        if (holder.Current is not { } catalog) return Problems.CatalogUnavailable();
        if (!clock.TryEvaluationDate(date, out var on, out var dateError)) return Problems.Invalid("date", dateError!);
        var json = await db.Subjects.AsNoTracking().Where(s => s.Id == id).Select(s => s.ProfileJson).FirstOrDefaultAsync(ct);
        if (json == null) return TypedResults.NotFound();
        try
        {
            var package = PackageDto.From(Evaluator.Evaluate(catalog, json, on), includeIneligible: true);
            return TypedResults.Ok(new RecordPackageDto(package, [.. package.Eligible.Select(p => p.Id)]));
        }
        catch (TalentOne.Policies.Profiles.ProfileException pe) { return Problems.Invalid(pe.Errors, "档案数据有误"); }
    }

    public static async Task<RecordDto> ToDtoAsync(Subject s, RegistryService registry, TalentOneDb db, PolicyCatalog? catalog, CancellationToken ct)
    {
        var departments = await db.Departments.AsNoTracking().ToDictionaryAsync(d => d.Id, d => d.Name, ct);
        var facts = (await registry.FactStatesAsync(s, ct)).Select(f => new FactDto(
            f.Fact, Label(catalog, f.Fact), f.Value, FactDisplay.Value(catalog, f.Fact, f.Value), StatusCode(f.Status), FactDisplay.Status(f.Status),
            f.DepartmentId, f.DepartmentId is { } d && departments.TryGetValue(d, out var n) ? n : null, f.Material, f.At.ToString("O"))).ToList();
        return new RecordDto(s.Id, KindCode(s.Kind), s.Name, s.IdentifierMasked, s.MobileMasked, s.City, s.Version,
            JsonNode.Parse(s.ProfileJson)!.AsObject(), facts, s.CreatedAt.ToString("O"), s.UpdatedAt.ToString("O"));
    }

    public static async Task<List<FactChangeDto>> HistoryAsync(long id, TalentOneDb db, PolicyCatalog? catalog, CancellationToken ct)
    {
        var rows = await db.FactRecords.AsNoTracking().Where(r => r.SubjectId == id).OrderByDescending(r => r.Id).Take(500).ToListAsync(ct);
        var userIds = rows.Select(r => r.ByUserId).Distinct().ToList();
        var names = await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        return rows.Select(r => new FactChangeDto(r.Id, r.Fact, Label(catalog, r.Fact), Parse(r.OldValueJson), Parse(r.NewValueJson),
            StatusCode(r.Status), FactDisplay.Status(r.Status), r.DepartmentId, r.Material, names.GetValueOrDefault(r.ByUserId, "（系统）"), r.At.ToString("O"), r.Note)).ToList();
    }

    private static JsonNode? Parse(string? json) => json == null ? null : JsonNode.Parse(json);

    private static string Label(PolicyCatalog? catalog, string fact) =>
        catalog != null && catalog.Schema.Facts.TryGetValue(fact, out var def) ? def.Label : fact;

    public static string KindCode(SubjectKind k) => k == SubjectKind.Person ? "person" : "enterprise";

    public static string StatusCode(FactStatus s) => s.ToString().ToLowerInvariant();

    private static Results<Ok<RecordDto>, ValidationProblem, ProblemHttpResult> Refused(RegistryException re) =>
        re.Status == 400 ? Problems.Invalid(re.Errors, "档案数据有误") : Problems.Refused(re);
}

/// <summary>Fact values and statuses as a person reads them.</summary>
public static class FactDisplay
{
    public static string Status(FactStatus s) => s switch
    {
        FactStatus.Declared => "自行申报",
        FactStatus.Verified => "部门核验",
        FactStatus.Certified => "认定确认",
        FactStatus.Imported => "名册导入",
        _ => s.ToString(),
    };

    public static string Value(PolicyCatalog? catalog, string fact, JsonNode? value)
    {
        if (value == null) return "未知";
        if (catalog == null || !catalog.Schema.Facts.TryGetValue(fact, out var def)) return value.ToJsonString();
        return value switch
        {
            JsonArray a => a.Count == 0 ? "无" : string.Join("、", a.Select(x => Member(def, x))),
            JsonValue v when v.GetValueKind() == JsonValueKind.True => "是",
            JsonValue v when v.GetValueKind() == JsonValueKind.False => "否",
            JsonValue v when v.GetValueKind() == JsonValueKind.Number => Display.Number(v.GetValue<double>()) + (def.Unit is { } u ? " " + u : ""),
            _ => Member(def, value),
        };
    }

    private static string Member(Policies.Schema.FactDef def, JsonNode? v)
    {
        var code = v?.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : v?.ToJsonString() ?? "";
        return def.Type.Enum?.Find(code)?.Label ?? code;
    }
}
