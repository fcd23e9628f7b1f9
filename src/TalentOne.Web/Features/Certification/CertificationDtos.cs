using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using TalentOne.Data;
using TalentOne.Data.Certification;
using TalentOne.Policies.Catalog;
using TalentOne.Policies.Evaluation;
using TalentOne.Policies.Profiles;
using TalentOne.Registry.Certification;
using TalentOne.Registry.Records;
using TalentOne.Web.Features.Records;

namespace TalentOne.Web.Features.Certification;

public sealed record RouteSourceDto(string DocumentId, string DocumentNumber, string DocumentTitle, string Article, string Quote);
public sealed record ChoiceDto(string Value, string Label);
public sealed record GrantDto(string Fact, string Label, bool ReviewerChooses, IReadOnlyList<ChoiceDto> Choices);
public sealed record ValidityDto(string Text, int? Years, string? Until, string? Note);
public sealed record RouteConditionDto(string Label, string Readable, string Expression);
public sealed record EvidenceRequirementDto(string Kind, string Title, string? Description, IReadOnlyList<string> Accept, bool Required,
    string Proves, string ProvesExpression, IReadOnlyList<string> Facts);
public sealed record EvidenceAlternativeDto(string Label, IReadOnlyList<string> Of);

/// <summary>A certification route: what it grants, for how long, who reviews it, on what source, for whom, on what evidence.</summary>
public sealed record RouteDto(string Id, string Title, string Applicant, string City, string CityLabel, string DepartmentId, string? Department,
    RouteSourceDto Source, IReadOnlyList<GrantDto> Grants, ValidityDto Validity, IReadOnlyList<RouteConditionDto> Conditions,
    IReadOnlyList<EvidenceRequirementDto> Evidence, IReadOnlyList<EvidenceAlternativeDto> RequireAny);

public sealed record ConditionResultDto(string Label, string Truth, string? Actual);
public sealed record FactRefDto(string Fact, string Label);

/// <summary>Whether the record's profile meets the route's conditions: meets | needs_info | not_met, and why.</summary>
public sealed record RouteCheckDto(string Status, string StatusText, string Explanation, IReadOnlyList<ConditionResultDto> Conditions, IReadOnlyList<FactRefDto> Missing);

public sealed record ActiveCertificationDto(long ApplicationId, IReadOnlyList<GrantedDto> Granted, string? ValidFrom, string? ValidUntil);

/// <summary>A route offered to the signed-in holder, with its check and the holder's pending and valid applications.</summary>
public sealed record RouteOfferDto(RouteDto Route, RouteCheckDto Check, long? PendingApplicationId, ActiveCertificationDto? Active, bool CanApply);

public sealed record GrantedDto(string Fact, string Label, JsonNode? Value, string Display);
public sealed record EvidenceDto(long FileId, string Kind, string KindTitle, string Name, long Size, string SizeText, string ContentType, string Sha256, string Url);
public sealed record EventDto(string Kind, string KindText, string At, string? Note);

/// <summary>The applicant as the reviewer sees them: name, masked ID number, and the facts the route reads or sets with
/// their provenance.</summary>
public sealed record ApplicantDto(long SubjectId, string Name, string IdentifierMasked, string? City, string? CityLabel, IReadOnlyList<FactDto> Facts, RouteCheckDto? Check);

public sealed record ApplicationDto(long Id, string RouteId, string RouteTitle, string DepartmentId, string? Department, string Status, string StatusText,
    string SubmittedAt, string? ApplicantNote, string? DecidedAt, string? Reason, IReadOnlyList<GrantedDto> Granted, string? ValidFrom, string? ValidUntil,
    IReadOnlyList<EvidenceDto> Evidence, IReadOnlyList<EventDto> Events, ApplicantDto? Applicant, RouteDto? Route);

public sealed record QueueItemDto(long Id, string RouteId, string RouteTitle, string DepartmentId, string Status, string StatusText,
    string ApplicantName, string IdentifierMasked, string SubmittedAt, int EvidenceCount);

/// <summary>POST …/decision body: approve or reject, the reason (required to reject), and for a route whose category the
/// reviewer chooses, the chosen value per fact (e.g. {"person.talentClass": "D"}).</summary>
public sealed record DecisionRequest(string? Decision, string? Reason, Dictionary<string, string?>? Grants);

/// <summary>Builds the views of routes and applications shared by the API and the pages.</summary>
public sealed class CertificationViews(TalentOneDb db, RegistryService registry)
{
    private Dictionary<string, string>? _departments;

    public async Task<Dictionary<string, string>> DepartmentsAsync(CancellationToken ct) =>
        _departments ??= await db.Departments.AsNoTracking().ToDictionaryAsync(d => d.Id, d => d.Name, ct);

    public static RouteDto Route(CertificationRoute r, IReadOnlyDictionary<string, string> departments) => new(
        r.Id, r.Title, r.Applicant == Applicant.Person ? "person" : "enterprise", r.City, r.CityLabel, r.DepartmentId, departments.GetValueOrDefault(r.DepartmentId),
        new RouteSourceDto(r.Document.Id, r.Document.Number, r.Document.Title, r.Article, r.Quote),
        r.Grants.Select(g => new GrantDto(g.Fact.Path, g.Fact.Label, g.ReviewerChooses, g.Choices.Select(c => new ChoiceDto(Grant.Text(c), g.Display(c))).ToList())).ToList(),
        new ValidityDto(r.Validity.Text, r.Validity.Years, r.Validity.Until?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), r.Validity.Note),
        r.Conditions.Select(c => new RouteConditionDto(c.Label, c.Readable, c.Source)).ToList(),
        r.Evidence.Select(e => new EvidenceRequirementDto(e.Kind.Id, e.Kind.Title, e.Kind.Description, e.Kind.Accept.Select(EvidenceFiles.Code).ToList(),
            e.Required, e.ProvesReadable, e.ProvesSource, e.Facts.Select(f => f.Path).ToList())).ToList(),
        r.RequireAny.Select(a => new EvidenceAlternativeDto(a.Label, a.KindIds)).ToList());

    public static RouteCheckDto Check(RouteCheck c) => new(
        c.Status switch { RouteStatus.Meets => "meets", RouteStatus.NeedsInfo => "needs_info", _ => "not_met" },
        c.Status switch { RouteStatus.Meets => "符合申请条件", RouteStatus.NeedsInfo => "需补充档案信息", _ => "不符合申请条件" },
        c.Explain(),
        c.Conditions.Select(x => new ConditionResultDto(x.Condition.Label, x.Truth switch { Truth.True => "true", Truth.False => "false", _ => "unknown" },
            x.Truth == Truth.True ? null : x.Actual)).ToList(),
        c.Missing.Select(f => new FactRefDto(f.Path, f.Label)).ToList());

    public static IReadOnlyList<GrantedDto> Granted(string? grantedJson, PolicyCatalog? catalog)
    {
        if (grantedJson == null || JsonNode.Parse(grantedJson) is not JsonObject o) return [];
        return o.Select(kv => new GrantedDto(kv.Key,
            catalog != null && catalog.Schema.Facts.TryGetValue(kv.Key, out var f) ? f.Label : kv.Key,
            kv.Value?.DeepClone(), FactDisplay.Value(catalog, kv.Key, kv.Value))).ToList();
    }

    public async Task<IReadOnlyList<RouteOfferDto>> OffersAsync(IReadOnlyList<RouteOffer> offers, PolicyCatalog catalog, CancellationToken ct)
    {
        var departments = await DepartmentsAsync(ct);
        return offers.Select(o => new RouteOfferDto(Route(o.Route, departments), Check(o.Check), o.Pending?.Id,
            o.Active is { } a ? new ActiveCertificationDto(a.Id, Granted(a.GrantedJson, catalog), CertificationService.Date(a.ValidFrom), CertificationService.Date(a.ValidUntil)) : null,
            o.Pending == null && o.Check.Status == RouteStatus.Meets)).ToList();
    }

    /// <summary>One application. <paramref name="withApplicant"/>: the reviewer's view, with the applicant's relevant facts.</summary>
    public async Task<ApplicationDto> ApplicationAsync(CertificationApplication a, PolicyCatalog? catalog, CertificationCatalog? routes, bool withApplicant,
        DateOnly today, CancellationToken ct)
    {
        var departments = await DepartmentsAsync(ct);
        var route = routes?.ById.GetValueOrDefault(a.RouteId);
        var files = await db.Set<CertificationEvidence>().AsNoTracking().Where(e => e.ApplicationId == a.Id).OrderBy(e => e.Id)
            .Select(e => new { e.KindId, e.EvidenceFileId, e.File!.DisplayName, e.File.Size, e.File.ContentType, e.File.Sha256 }).ToListAsync(ct);
        var evidence = files.Select(f => new EvidenceDto(f.EvidenceFileId, f.KindId, route?.EvidenceOf(f.KindId)?.Kind.Title ?? f.KindId, f.DisplayName, f.Size,
            EvidenceFiles.Size(f.Size), f.ContentType, f.Sha256, $"/api/v1/certification/evidence/{f.EvidenceFileId}")).ToList();
        var events = (await db.Set<CertificationEvent>().AsNoTracking().Where(e => e.ApplicationId == a.Id).OrderBy(e => e.Id).ToListAsync(ct))
            .Select(e => new EventDto(e.Kind, EventText(e.Kind), e.At.ToString("O"), e.Note)).ToList();
        ApplicantDto? applicant = null;
        if (withApplicant)
        {
            var subject = await db.Subjects.AsNoTracking().FirstAsync(s => s.Id == a.SubjectId, ct);
            var relevant = route?.RelevantFacts.Select(f => f.Path).ToHashSet(StringComparer.Ordinal) ?? [];
            var facts = (await registry.FactStatesAsync(subject, ct)).Where(f => relevant.Contains(f.Fact)).Select(f => new FactDto(
                f.Fact, catalog != null && catalog.Schema.Facts.TryGetValue(f.Fact, out var def) ? def.Label : f.Fact, f.Value,
                FactDisplay.Value(catalog, f.Fact, f.Value), RecordsApi.StatusCode(f.Status), FactDisplay.Status(f.Status),
                f.DepartmentId, f.DepartmentId is { } d ? departments.GetValueOrDefault(d) : null, f.Material, f.At.ToString("O"))).ToList();
            RouteCheckDto? check = null;
            if (route != null && routes != null)
            {
                try { check = Check(routes.Check(route, ProfileReader.Read(routes.Policies, subject.ProfileJson, today), today)); }
                catch (ProfileException) { check = null; }
            }
            var cityLabel = subject.City is { } c ? catalog?.Schema.Enums.GetValueOrDefault("city")?.Find(c)?.Label ?? c : null;
            applicant = new ApplicantDto(subject.Id, subject.Name, subject.IdentifierMasked, subject.City, cityLabel, facts, check);
        }
        return new ApplicationDto(a.Id, a.RouteId, route?.Title ?? a.RouteId, a.DepartmentId, departments.GetValueOrDefault(a.DepartmentId),
            CertificationService.StatusCode(a.Status), CertificationService.StatusText(a.Status), a.SubmittedAt.ToString("O"), a.ApplicantNote,
            a.DecidedAt?.ToString("O"), a.Reason, Granted(a.GrantedJson, catalog), CertificationService.Date(a.ValidFrom) is { Length: > 0 } vf ? vf : null,
            CertificationService.Date(a.ValidUntil) is { Length: > 0 } vu ? vu : null, evidence, events, applicant,
            route == null ? null : Route(route, departments));
    }

    public static string EventText(string kind) => kind switch
    {
        "submitted" => "提交申请",
        "approved" => "认定通过",
        "rejected" => "驳回",
        "withdrawn" => "撤回",
        "expired" => "有效期届满",
        _ => kind,
    };

    public async Task<List<QueueItemDto>> QueueAsync(IQueryable<CertificationApplication> visible, CertificationStatus? status, CertificationCatalog? routes, CancellationToken ct)
    {
        var q = status is { } s ? visible.Where(a => a.Status == s) : visible;
        var rows = await q.OrderBy(a => a.Id).Take(500)
            .Join(db.Subjects, a => a.SubjectId, s => s.Id, (a, s) => new { a.Id, a.RouteId, a.DepartmentId, a.Status, a.SubmittedAt, s.Name, s.IdentifierMasked, Count = a.Evidence.Count })
            .ToListAsync(ct);
        return rows.Select(r => new QueueItemDto(r.Id, r.RouteId, routes?.ById.GetValueOrDefault(r.RouteId)?.Title ?? r.RouteId, r.DepartmentId,
            CertificationService.StatusCode(r.Status), CertificationService.StatusText(r.Status), r.Name, r.IdentifierMasked, r.SubmittedAt.ToString("O"), r.Count)).ToList();
    }
}
