using Microsoft.AspNetCore.Http.HttpResults;
using TalentOne.Data.Codes;
using TalentOne.Policies.Catalog;
using TalentOne.Policies.Profiles;
using TalentOne.Registry.Accounts;
using TalentOne.Registry.Codes;
using TalentOne.Registry.Records;
using TalentOne.Web.Features.Catalog;
using TalentOne.Web.Infrastructure;

namespace TalentOne.Web.Features.Codes;

public sealed record ServiceSourceDto(string Document, string? Article, string? Quote, string? Note, string? Seed);

public sealed record ServiceDto(string Id, string Title, string Provider, string ProviderTitle, string Place, string Who, ServiceSourceDto Source)
{
    public static ServiceDto From(ServiceEntry s, ServiceCatalog catalog) => new(s.Id, s.Title, s.Provider,
        catalog.Providers.GetValueOrDefault(s.Provider)?.Title ?? s.Provider, s.PlaceLabel, s.Who,
        new ServiceSourceDto(s.Source.Document, s.Source.Article, s.Source.Quote, s.Source.Note, s.Source.Seed));
}

/// <summary>The holder's code in force: the token, the address its QR code opens, the images, and what it grants.</summary>
public sealed record CodeDto(string CodeId, string Kind, string KindText, string IssuedAt, string ExpiresAt, string Token,
    string VerifyUrl, string ImageUrl, string SvgUrl, string Category, IReadOnlyList<ServiceDto> Services, int EligiblePolicies);

public sealed record VerifyRequest(string? Token);

/// <summary>What a provider sees for a valid code. A field the provider's kind may not see is null.</summary>
public sealed record VerifyDto(string Outcome, string Message, string Kind, string KindText, string ProviderKind, string ProviderTitle,
    string ValidUntil, string? Name, string? MaskedName, string? Category, string? City, string? MobileMasked, string? Registered,
    int? PolicyCount, IReadOnlyList<ServiceDto> Services, string? Notice);

public sealed record RevokeRequest(string? Reason);

public sealed record RevokedDto(int Revoked);

public sealed record ScanDto(long Id, string? CodeId, string At, string Provider, string ProviderKind, string Outcome, string OutcomeText);

public sealed record IssuedCodeDto(string CodeId, string Kind, string IssuedAt, string ExpiresAt, string State, string? RevokedAt, string? RevokeReason);

public sealed record SubjectCodesDto(IReadOnlyList<IssuedCodeDto> Codes, IReadOnlyList<ScanDto> Scans);

/// <summary>人才码 · 企业码 through the API: the holder issues, reads, shows and revokes its code and sees who scanned
/// it; a service provider verifies a scanned token; the talent office revokes any code; auditors read codes and scans.</summary>
public static class CodesApi
{
    public static IEndpointRouteBuilder MapCodesApi(this IEndpointRouteBuilder app)
    {
        var me = app.MapGroup("/api/v1/me/code").WithTags("人才码 · 企业码").RequireAuthorization(AccessPolicies.Holder);
        me.MapPost("/", Issue).WithSummary("生成（刷新）我的人才码或企业码：有效期 24 小时，之前的码随即作废");
        me.MapGet("/", Current).WithSummary("我当前的码：令牌、扫码核验地址、二维码图片地址、类别与可享受的服务");
        me.MapPost("/revoke", RevokeOwn).WithSummary("作废我当前的码（例如截图被转发）");
        me.MapGet("/scans", Scans).WithSummary("谁扫过我的码：服务机构、时间、核验结果");
        app.MapGet("/api/v1/me/code.png", Png).WithTags("人才码 · 企业码").RequireAuthorization(AccessPolicies.Holder).WithSummary("我当前的码的二维码（PNG）");
        app.MapGet("/api/v1/me/code.svg", Svg).WithTags("人才码 · 企业码").RequireAuthorization(AccessPolicies.Holder).WithSummary("我当前的码的二维码（SVG）");

        app.MapPost("/api/v1/codes/verify", Verify).WithTags("人才码 · 企业码").RequireAuthorization(AccessPolicies.Provider)
            .WithSummary("服务机构核验扫到的码：只返回本机构类型可见的信息；过期、作废、篡改或无法识别时返回原因");
        app.MapPost("/api/v1/admin/codes/{codeId}/revoke", RevokeAny).WithTags("人才码 · 企业码").RequireAuthorization(AccessPolicies.Admin)
            .WithSummary("作废任意一个码（人才办，须注明原因）");
        app.MapGet("/api/v1/subjects/{id:long}/codes", SubjectCodes).WithTags("人才码 · 企业码").RequireAuthorization(AccessPolicies.Oversight)
            .WithSummary("一份档案的码与扫码记录（人才办、审计）");
        return app;
    }

    private static async Task<Results<Created<CodeDto>, ProblemHttpResult>> Issue(HttpContext http, CodeService codes, CatalogHolder holder,
        ServiceCatalogCache cache, TimeProvider clock, IConfiguration config, CancellationToken ct)
    {
        if (Services(holder, cache) is not { } services) return Unavailable(holder, cache);
        try
        {
            var held = await codes.IssueAsync(http.User.SubjectId()!.Value, http.User.UserId(), ct);
            var dto = await DtoAsync(held, http, services, clock, config, ct);
            return TypedResults.Created("/api/v1/me/code", dto);
        }
        catch (RegistryException re) { return TypedResults.Problem(title: "未找到", detail: string.Join("；", re.Errors.Select(e => e.Message)), statusCode: re.Status); }
    }

    private static async Task<Results<Ok<CodeDto>, ProblemHttpResult>> Current(HttpContext http, CodeService codes, CatalogHolder holder,
        ServiceCatalogCache cache, TimeProvider clock, IConfiguration config, CancellationToken ct)
    {
        if (Services(holder, cache) is not { } services) return Unavailable(holder, cache);
        var held = await codes.CurrentAsync(http.User.SubjectId()!.Value, ct);
        if (held == null) return NoCode();
        return TypedResults.Ok(await DtoAsync(held, http, services, clock, config, ct));
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> Png(HttpContext http, CodeService codes, IConfiguration config, CancellationToken ct)
    {
        var held = await codes.CurrentAsync(http.User.SubjectId()!.Value, ct);
        if (held == null) return NoCode();
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.File(CodeImage.Png(VerifyUrl(http, config, held.Token)), "image/png");
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> Svg(HttpContext http, CodeService codes, IConfiguration config, CancellationToken ct)
    {
        var held = await codes.CurrentAsync(http.User.SubjectId()!.Value, ct);
        if (held == null) return NoCode();
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Content(CodeImage.Svg(VerifyUrl(http, config, held.Token)), "image/svg+xml");
    }

    private static async Task<Results<Ok<RevokedDto>, ValidationProblem>> RevokeOwn(RevokeRequest? body, HttpContext http, CodeService codes, CancellationToken ct)
    {
        if (body?.Reason is { Length: > 500 }) return Problems.Invalid("reason", "原因不能超过 500 字");
        return TypedResults.Ok(new RevokedDto(await codes.RevokeOwnAsync(http.User.SubjectId()!.Value, http.User.UserId(), body?.Reason, ct)));
    }

    private static async Task<Ok<List<ScanDto>>> Scans(HttpContext http, CodeService codes, CatalogHolder holder, ServiceCatalogCache cache, CancellationToken ct) =>
        TypedResults.Ok((await codes.ScansAsync(http.User.SubjectId()!.Value, Services(holder, cache), ct)).Select(ScanDtoOf).ToList());

    private static async Task<Results<Ok<VerifyDto>, ProblemHttpResult>> Verify(VerifyRequest? body, HttpContext http, CodeService codes,
        CatalogHolder holder, ServiceCatalogCache cache, CancellationToken ct)
    {
        if (Services(holder, cache) is not { } services) return Unavailable(holder, cache);
        if (ProviderOf(http, services) is not { } provider) return UnknownProvider(http);
        var result = await codes.VerifyAsync(body?.Token?.Trim(), http.User.UserId(), provider, services, ct);
        if (!result.Valid) return Refusal(result);
        return TypedResults.Ok(VerifyDtoOf(result, services));
    }

    private static async Task<Results<Ok<IssuedCodeDto>, ValidationProblem, ProblemHttpResult>> RevokeAny(string codeId, RevokeRequest? body,
        HttpContext http, CodeService codes, TimeProvider clock, CancellationToken ct)
    {
        try
        {
            var code = await codes.RevokeAsync(codeId, http.User.UserId(), body?.Reason ?? "", ct);
            if (code == null) return Problems.NotFound("未找到", $"没有编号为 {codeId} 的码");
            return TypedResults.Ok(IssuedDtoOf(code, clock.GetUtcNow()));
        }
        catch (RegistryException re) when (re.Status == 400) { return Problems.Invalid(re.Errors, "作废失败"); }
        catch (RegistryException re) { return TypedResults.Problem(title: "已作废", detail: string.Join("；", re.Errors.Select(e => e.Message)), statusCode: re.Status); }
    }

    private static async Task<Ok<SubjectCodesDto>> SubjectCodes(long id, CodeService codes, CatalogHolder holder, ServiceCatalogCache cache, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var list = await codes.CodesAsync(id, ct);
        var scans = await codes.ScansAsync(id, Services(holder, cache), ct);
        return TypedResults.Ok(new SubjectCodesDto(list.Select(c => IssuedDtoOf(c, now)).ToList(), scans.Select(ScanDtoOf).ToList()));
    }

    /// <summary>The service catalog for the policy catalog in force; null when either is unavailable.</summary>
    public static ServiceCatalog? Services(CatalogHolder holder, ServiceCatalogCache cache) =>
        holder.Current is { } catalog ? cache.For(catalog, out _) : null;

    /// <summary>The kind of the signed-in provider, as declared in services.yaml; null when the account's kind is not there.</summary>
    public static ProviderKindDef? ProviderOf(HttpContext http, ServiceCatalog services) =>
        http.User.ProviderKind() is { } kind ? services.Providers.GetValueOrDefault(kind) : null;

    public static ProblemHttpResult UnknownProvider(HttpContext http) => TypedResults.Problem(title: "无权核验",
        detail: $"本账号的机构类型“{http.User.ProviderKind()}”不在服务目录（catalog/services.yaml）中，请联系人才办。", statusCode: StatusCodes.Status403Forbidden);

    private static ProblemHttpResult Unavailable(CatalogHolder holder, ServiceCatalogCache cache)
    {
        if (holder.Current is not { } catalog) return Problems.CatalogUnavailable();
        cache.For(catalog, out var errors);
        return TypedResults.Problem(title: "服务目录暂不可用", detail: "服务目录（catalog/services.yaml）未能加载，请联系管理员。",
            statusCode: StatusCodes.Status503ServiceUnavailable, extensions: new Dictionary<string, object?> { ["errors"] = errors });
    }

    private static ProblemHttpResult NoCode() => Problems.NotFound("暂无有效的码", "尚未生成，或已过期、已作废。请 POST /api/v1/me/code 生成新码。");

    private static ProblemHttpResult Refusal(ScanResult r) => TypedResults.Problem(title: "核验未通过：" + CodeService.OutcomeText(r.Outcome), detail: r.Message,
        statusCode: StatusCodes.Status422UnprocessableEntity, extensions: new Dictionary<string, object?> { ["reason"] = CodeService.OutcomeCode(r.Outcome) });

    public static VerifyDto VerifyDtoOf(ScanResult r, ServiceCatalog services)
    {
        var v = r.View!;
        return new VerifyDto(CodeService.OutcomeCode(r.Outcome), r.Message, CodeService.KindCode(v.Kind), v.KindText, v.Provider.Id, v.Provider.Title,
            v.ValidUntil.ToString("O"), v.Name, v.MaskedName, v.Category, v.City, v.MobileMasked, v.Registered, v.PolicyCount,
            v.Services.Select(s => ServiceDto.From(s, services)).ToList(), v.Notice);
    }

    private static ScanDto ScanDtoOf(ScanEntry s) => new(s.Id, s.CodeId, s.At.ToString("O"), s.ProviderName, s.ProviderKind,
        CodeService.OutcomeCode(s.Outcome), CodeService.OutcomeText(s.Outcome));

    private static IssuedCodeDto IssuedDtoOf(IssuedCode c, DateTimeOffset now) => new(c.CodeId, CodeService.KindCode(c.Kind), c.IssuedAt.ToString("O"),
        c.ExpiresAt.ToString("O"), c.RevokedAt != null ? "revoked" : c.ExpiresAt <= now ? "expired" : "valid", c.RevokedAt?.ToString("O"), c.RevokeReason);

    private static async Task<CodeDto> DtoAsync(HeldCode held, HttpContext http, ServiceCatalog services, TimeProvider clock, IConfiguration config, CancellationToken ct)
    {
        var subject = await http.RequestServices.GetRequiredService<TalentOne.Data.TalentOneDb>().Subjects.FindAsync([held.Code.SubjectId], ct);
        var a = Assess(services, subject?.ProfileJson ?? "{}", clock);
        return new CodeDto(held.Code.CodeId, CodeService.KindCode(held.Code.Kind), CodeService.KindText(held.Code.Kind),
            held.Code.IssuedAt.ToString("O"), held.Code.ExpiresAt.ToString("O"), held.Token, VerifyUrl(http, config, held.Token),
            "/api/v1/me/code.png", "/api/v1/me/code.svg", a?.Category ?? "档案待更新",
            a?.Services.Select(s => ServiceDto.From(s, services)).ToList() ?? [], a?.Package.Eligible.Count() ?? 0);
    }

    /// <summary>The holder's assessment today; null when the stored profile no longer reads under the catalog.</summary>
    public static HolderAssessment? Assess(ServiceCatalog services, string profileJson, TimeProvider clock)
    {
        try { return services.Assess(profileJson, clock.Today()); }
        catch (ProfileException) { return null; }
    }

    /// <summary>The address a code's QR image opens: TalentOne:PublicUrl when configured (behind a proxy), otherwise
    /// this request's own origin.</summary>
    public static string VerifyUrl(HttpContext http, IConfiguration config, string token)
    {
        var origin = config["TalentOne:PublicUrl"] is { Length: > 0 } u ? u.TrimEnd('/') : $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}";
        return $"{origin}/verify?t={Uri.EscapeDataString(token)}";
    }
}
