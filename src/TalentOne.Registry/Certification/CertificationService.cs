using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using TalentOne.Data;
using TalentOne.Data.Certification;
using TalentOne.Data.Registry;
using TalentOne.Policies.Catalog;
using TalentOne.Policies.Profiles;
using TalentOne.Registry.Ledger;
using TalentOne.Registry.Records;

namespace TalentOne.Registry.Certification;

/// <summary>Who is asking: the holder of a record, a reviewer of a department, or oversight (talent office, auditors).</summary>
public sealed record CertificationViewer(string UserId, long? SubjectId, string? DepartmentId, bool IsReviewer, bool IsOversight);

/// <summary>A route as offered to one record: whether the profile meets its conditions, and the record's pending and
/// currently valid applications for it.</summary>
public sealed record RouteOffer(CertificationRoute Route, RouteCheck Check, CertificationApplication? Pending, CertificationApplication? Active);

public enum Decision { Approve, Reject }

/// <summary>What an expiry run did.</summary>
public sealed record ExpiryResult(IReadOnlyList<long> Expired, IReadOnlyList<string> Problems);

/// <summary>认定: a record holder applies for a category of a city (a route of catalog/certification) with evidence; a
/// reviewer of the route's department approves — the category's facts are written to the record as certified by that
/// department, valid for the route's period — or rejects with a reason; when the period ends, <see cref="ExpireAsync"/>
/// takes the category back. Every refusal is a <see cref="RegistryException"/> with Chinese messages, and nothing of a
/// refused request is stored.</summary>
public sealed class CertificationService(TalentOneDb db, RegistryService registry, CertificationRoutes routes, TimeProvider clock,
    ILogger<CertificationService> log, Ledger.Ledger ledger)
{
    /// <summary>Author of the changes made when a certification expires.</summary>
    public const string SystemUser = "system";

    private static readonly JsonSerializerOptions Compact = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public CertificationCatalog Routes(PolicyCatalog catalog) => routes.For(catalog);

    /// <summary>The routes for a record's kind, in the record's city when it has one, each with whether the profile meets
    /// the conditions today and the record's pending and valid applications.</summary>
    public async Task<IReadOnlyList<RouteOffer>> OffersAsync(long subjectId, PolicyCatalog catalog, DateOnly today, CancellationToken ct)
    {
        var certification = routes.For(catalog);
        var subject = await db.Subjects.AsNoTracking().FirstOrDefaultAsync(s => s.Id == subjectId, ct)
            ?? throw new RegistryException("subject", "档案不存在", 404);
        var profile = ProfileReader.Read(catalog, subject.ProfileJson, today);
        var mine = await db.Set<CertificationApplication>().AsNoTracking()
            .Where(a => a.SubjectId == subjectId && (a.Status == CertificationStatus.Submitted || a.Status == CertificationStatus.Approved))
            .OrderByDescending(a => a.Id).ToListAsync(ct);
        return certification.Routes
            .Where(r => r.Applicant == profile.Kind && (subject.City == null || r.City == subject.City))
            .Select(r => new RouteOffer(r, certification.Check(r, profile, today),
                mine.FirstOrDefault(a => a.RouteId == r.Id && a.Status == CertificationStatus.Submitted),
                mine.FirstOrDefault(a => a.RouteId == r.Id && a.Status == CertificationStatus.Approved && a.ValidUntil >= today)))
            .ToList();
    }

    /// <summary>Applies for a route with evidence files. Refused (400, or 409 for a pending duplicate) when the route is
    /// unknown, the profile does not meet its conditions, a file is empty, too large, not a PDF/JPG/PNG or not a type
    /// the kind accepts, required evidence is missing, or an application for the route is already being reviewed.</summary>
    public async Task<CertificationApplication> ApplyAsync(long subjectId, string userId, string? routeId, string? note,
        IReadOnlyList<EvidenceUpload> uploads, PolicyCatalog catalog, DateOnly today, CancellationToken ct)
    {
        var certification = routes.For(catalog);
        if (string.IsNullOrWhiteSpace(routeId)) throw new RegistryException("routeId", "请选择认定事项");
        if (!certification.ById.TryGetValue(routeId.Trim(), out var route))
            throw new RegistryException("routeId", $"没有此认定事项：{routeId}");
        var subject = await db.Subjects.AsNoTracking().FirstOrDefaultAsync(s => s.Id == subjectId, ct)
            ?? throw new RegistryException("subject", "档案不存在", 404);
        if (await db.Set<CertificationApplication>().AnyAsync(a => a.SubjectId == subjectId && a.RouteId == route.Id && a.Status == CertificationStatus.Submitted, ct))
            throw new RegistryException("routeId", $"您已提交“{route.Title}”的认定申请，正在审核中；请等待审核结果，或撤回后重新申请", 409);

        var errors = new List<ProfileError>();
        var check = certification.Check(route, ProfileReader.Read(catalog, subject.ProfileJson, today), today);
        if (check.Status != RouteStatus.Meets) errors.Add(new("profile", check.Explain()));
        var trimmedNote = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        if (trimmedNote is { Length: > 1000 }) errors.Add(new("note", "申请说明不能超过 1000 字"));

        if (uploads.Count > EvidenceFiles.MaxFiles) errors.Add(new("evidence", $"一次最多上传 {EvidenceFiles.MaxFiles} 个文件"));
        var files = new List<(EvidenceUpload Upload, EvidenceFileType Type)>();
        foreach (var u in uploads)
        {
            var field = "evidence." + u.KindId;
            var requirement = route.EvidenceOf(u.KindId);
            if (requirement == null) { errors.Add(new(field, $"“{route.Title}”不需要此类材料：{u.KindId}")); continue; }
            var name = EvidenceFiles.DisplayName(u.FileName);
            if (u.Size == 0 || u.Content.Length == 0) { errors.Add(new(field, $"文件“{name}”是空文件")); continue; }
            if (u.Size > EvidenceFiles.MaxBytes || u.Content.Length > EvidenceFiles.MaxBytes)
            { errors.Add(new(field, $"文件“{name}”有 {EvidenceFiles.Size(Math.Max(u.Size, u.Content.Length))}，超过单个文件 {EvidenceFiles.Size(EvidenceFiles.MaxBytes)} 的上限")); continue; }
            var type = EvidenceFiles.Sniff(u.Content);
            var accepted = string.Join("、", requirement.Kind.Accept.Select(t => EvidenceFiles.Code(t).ToUpperInvariant()));
            if (type == null || !requirement.Kind.Accept.Contains(type.Value))
            { errors.Add(new(field, $"文件“{name}”不是可接受的格式：“{requirement.Kind.Title}”只接受 {accepted} 文件")); continue; }
            files.Add((u, type.Value));
        }
        var missing = route.MissingEvidence(uploads.Select(u => u.KindId).ToHashSet(StringComparer.Ordinal));
        if (missing.Count > 0) errors.Add(new("evidence", string.Join("；", missing)));
        if (errors.Count > 0) throw new RegistryException(errors);

        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var application = new CertificationApplication
        {
            SubjectId = subjectId, RouteId = route.Id, DepartmentId = route.DepartmentId, Status = CertificationStatus.Submitted,
            SubmittedBy = userId, SubmittedAt = now, ApplicantNote = trimmedNote,
        };
        var added = new Dictionary<string, EvidenceFile>(StringComparer.Ordinal);
        var linked = new HashSet<(string Kind, string Sha)>();
        foreach (var (u, type) in files)
        {
            // Content-addressed: the same bytes from the same record are one file, whatever they were called.
            var sha = EvidenceFiles.Sha256(u.Content);
            if (!linked.Add((u.KindId, sha))) continue;
            var existing = await db.Set<EvidenceFile>().Where(x => x.SubjectId == subjectId && x.Sha256 == sha).Select(x => (long?)x.Id).FirstOrDefaultAsync(ct);
            if (existing is long fileId)
            {
                application.Evidence.Add(new CertificationEvidence { KindId = u.KindId, EvidenceFileId = fileId });
                continue;
            }
            if (!added.TryGetValue(sha, out var file))
            {
                file = new EvidenceFile
                {
                    SubjectId = subjectId, Sha256 = sha, Size = u.Content.Length, ContentType = EvidenceFiles.ContentType(type),
                    DisplayName = EvidenceFiles.DisplayName(u.FileName), Content = u.Content, UploadedBy = userId, UploadedAt = now,
                };
                db.Set<EvidenceFile>().Add(file);
                added[sha] = file;
            }
            application.Evidence.Add(new CertificationEvidence { KindId = u.KindId, File = file });
        }
        db.Set<CertificationApplication>().Add(application);
        await db.SaveChangesAsync(ct);
        db.Set<CertificationEvent>().Add(new CertificationEvent
        {
            ApplicationId = application.Id, Kind = "submitted", ByUserId = userId, At = now,
            Note = $"申请“{route.Title}”，提交材料 {application.Evidence.Count} 份",
        });
        await db.SaveChangesAsync(ct);
        // 上链, last before the commit (it holds the ledger head until then): the application and its materials' hashes.
        // The ledger's CaseId is the 一件事 case (case file id); an application is found by its subject and applicationId.
        await ledger.AppendAsync(LedgerKinds.Submitted, new
        {
            applicationId = application.Id, routeId = route.Id, departmentId = route.DepartmentId, by = userId,
            materials = linked.OrderBy(l => l.Kind, StringComparer.Ordinal).ThenBy(l => l.Sha, StringComparer.Ordinal).Select(l => new { kind = l.Kind, sha256 = l.Sha }),
        }, caseId: null, subjectId, ct);
        await tx.CommitAsync(ct);
        log.LogInformation("Certification application {Id} submitted for route {Route}", application.Id, route.Id);
        return application;
    }

    /// <summary>The applicant takes back an application still under review.</summary>
    public async Task<CertificationApplication> WithdrawAsync(long subjectId, long applicationId, string userId, CancellationToken ct)
    {
        var application = await db.Set<CertificationApplication>().FirstOrDefaultAsync(a => a.Id == applicationId && a.SubjectId == subjectId, ct)
            ?? throw new RegistryException("id", "认定申请不存在", 404);
        if (application.Status != CertificationStatus.Submitted)
            throw new RegistryException("status", $"该申请{StatusText(application.Status)}，不能撤回", 409);
        var now = clock.GetUtcNow();
        application.Status = CertificationStatus.Withdrawn;
        application.DecidedAt = now;
        application.Version++;
        db.Set<CertificationEvent>().Add(new CertificationEvent { ApplicationId = application.Id, Kind = "withdrawn", ByUserId = userId, At = now, Note = "申请人撤回" });
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateConcurrencyException) { throw new RegistryException("status", "该申请刚刚已被处理，请刷新后查看", 409); }
        return application;
    }

    /// <summary>A reviewer of the application's department decides. Approval writes each granted fact to the record as
    /// certified by the department (material: the evidence; note: the route and the validity) and marks the facts the
    /// attached evidence proves as verified; the grant the reviewer chooses is required where the route leaves the
    /// category to the reviewer (“相应层次”). Rejection needs a reason. Either way the application is decided once.</summary>
    public async Task<CertificationApplication> DecideAsync(long applicationId, CertificationViewer reviewer, Decision decision, string? reason,
        IReadOnlyDictionary<string, string?>? choices, PolicyCatalog catalog, DateOnly today, CancellationToken ct)
    {
        var application = await db.Set<CertificationApplication>().FirstOrDefaultAsync(a => a.Id == applicationId, ct);
        // Another department's application does not exist as far as this reviewer can tell.
        if (application == null || !reviewer.IsReviewer || reviewer.DepartmentId != application.DepartmentId)
            throw new RegistryException("id", "认定申请不存在，或不属于本部门审核", 404);
        if (application.Status != CertificationStatus.Submitted)
            throw new RegistryException("status", $"该申请{StatusText(application.Status)}，不能再次审核", 409);
        var text = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        if (text is { Length: > 1000 }) throw new RegistryException("reason", "理由不能超过 1000 字");
        var now = clock.GetUtcNow();

        if (decision == Decision.Reject)
        {
            if (text == null) throw new RegistryException("reason", "驳回须写明理由（申请人将看到）");
            application.Status = CertificationStatus.Rejected;
            application.DecidedBy = reviewer.UserId;
            application.DecidedAt = now;
            application.Reason = text;
            application.Version++;
            db.Set<CertificationEvent>().Add(new CertificationEvent { ApplicationId = application.Id, Kind = "rejected", ByUserId = reviewer.UserId, At = now, Note = text });
            await using var rejectTx = await db.Database.BeginTransactionAsync(ct);
            try { await db.SaveChangesAsync(ct); }
            catch (DbUpdateConcurrencyException) { throw new RegistryException("status", "该申请刚刚已被他人审核，请刷新后查看", 409); }
            await ledger.AppendAsync(LedgerKinds.Rejected, new
            {
                applicationId = application.Id, routeId = application.RouteId, departmentId = application.DepartmentId, by = reviewer.UserId, reason = text,
            }, caseId: null, application.SubjectId, ct);
            await rejectTx.CommitAsync(ct);
            return application;
        }

        var certification = routes.For(catalog);
        if (!certification.ById.TryGetValue(application.RouteId, out var route))
            throw new RegistryException("routeId", $"认定事项“{application.RouteId}”已不在目录中，只能驳回", 409);
        var granted = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        var errors = new List<ProfileError>();
        foreach (var g in route.Grants)
        {
            string? chosen = null;
            choices?.TryGetValue(g.Fact.Path, out chosen);
            if (!g.ReviewerChooses) { granted[g.Fact.Path] = g.Choices[0].DeepClone(); continue; }
            var options = string.Join("、", g.Choices.Select(c => $"{Grant.Text(c)}（{g.Display(c)}）"));
            if (string.IsNullOrWhiteSpace(chosen)) errors.Add(new("grants." + g.Fact.Path, $"请选择认定的{g.Fact.Label}：{options}"));
            else if (g.Find(chosen) is { } v) granted[g.Fact.Path] = v.DeepClone();
            else errors.Add(new("grants." + g.Fact.Path, $"“{chosen}”不是可认定的{g.Fact.Label}，可选：{options}"));
        }
        var subject = await db.Subjects.AsNoTracking().FirstAsync(s => s.Id == application.SubjectId, ct);
        var check = certification.Check(route, ProfileReader.Read(catalog, subject.ProfileJson, today), today);
        if (check.Status != RouteStatus.Meets)
            errors.Add(new("profile", "申请人档案目前" + check.Explain() + "。请驳回，或请申请人更正档案后重新申请"));
        var validUntil = route.Validity.LastDay(today);
        if (validUntil < today) errors.Add(new("validity", $"该认定事项的有效期至 {validUntil:yyyy-MM-dd}，已过期，不能再认定"));
        if (errors.Count > 0) throw new RegistryException(errors);

        // The files' names and hashes, not their bytes.
        var attached = await db.Set<CertificationEvidence>().AsNoTracking().Where(e => e.ApplicationId == application.Id).OrderBy(e => e.Id)
            .Select(e => new { e.KindId, e.EvidenceFileId, e.File!.DisplayName, e.File.Sha256 }).ToListAsync(ct);
        var titles = route.Evidence.ToDictionary(e => e.Kind.Id, e => e.Kind.Title);
        var material = $"认定申请 #{application.Id}：" + string.Join("；", attached.Select(e =>
            $"{titles.GetValueOrDefault(e.KindId, e.KindId)}《{e.DisplayName}》（证据 #{e.EvidenceFileId}，SHA-256 {e.Sha256[..12]}）"));
        var note = $"{route.Title}（{route.Id}）认定，有效期 {today:yyyy-MM-dd} 至 {validUntil:yyyy-MM-dd}" + (text != null ? "；" + text : "");

        application.Status = CertificationStatus.Approved;
        application.DecidedBy = reviewer.UserId;
        application.DecidedAt = now;
        application.Reason = text;
        application.GrantedJson = new JsonObject(granted.Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.DeepClone()))).ToJsonString(Compact);
        application.ValidFrom = today;
        application.ValidUntil = validUntil;
        application.Version++;
        db.Set<CertificationEvent>().Add(new CertificationEvent
        {
            ApplicationId = application.Id, Kind = "approved", ByUserId = reviewer.UserId, At = now,
            Note = string.Join("；", route.Grants.Select(g => $"{g.Fact.Label}：{g.Display(granted[g.Fact.Path]!)}")) + $"；有效期至 {validUntil:yyyy-MM-dd}",
        });

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            // Saves the application's decision with the certified facts, in one transaction.
            await registry.ChangeFactsAsync(application.SubjectId, granted,
                new Provenance(reviewer.UserId, FactStatus.Certified, application.DepartmentId, material, note), catalog, null, ct);
            var proven = ProvenFacts(route, attached.Select(e => e.KindId).Distinct(), subject.ProfileJson, granted.Keys);
            if (proven.Count > 0)
                await registry.ChangeFactsAsync(application.SubjectId, proven,
                    new Provenance(reviewer.UserId, FactStatus.Verified, application.DepartmentId, material, $"随“{route.Title}”认定核验"), catalog, null, ct);
            await ledger.AppendAsync(LedgerKinds.Approved, new
            {
                applicationId = application.Id, routeId = route.Id, departmentId = application.DepartmentId, by = reviewer.UserId,
                granted = JsonNode.Parse(application.GrantedJson!), validFrom = today, validUntil = validUntil, reason = text,
                materials = attached.Select(e => new { kind = e.KindId, sha256 = e.Sha256 }),
            }, caseId: null, application.SubjectId, ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            throw new RegistryException("status", "该申请刚刚已被他人审核，请刷新后查看", 409);
        }
        catch (RegistryException)
        {
            db.ChangeTracker.Clear();
            throw;
        }
        log.LogInformation("Certification application {Id} approved for route {Route} by department {Department}", application.Id, route.Id, application.DepartmentId);
        return application;
    }

    /// <summary>The known facts of the profile that the attached evidence proves (other than the granted ones): the
    /// reviewer has seen the proof, so they are verified with it.</summary>
    private static Dictionary<string, JsonNode?> ProvenFacts(CertificationRoute route, IEnumerable<string> attachedKinds, string profileJson, IEnumerable<string> granted)
    {
        var skip = granted.ToHashSet(StringComparer.Ordinal);
        var profile = JsonNode.Parse(profileJson)!.AsObject();
        var result = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var kind in attachedKinds)
            foreach (var fact in route.EvidenceOf(kind)?.Facts ?? [])
            {
                if (skip.Contains(fact.Path)) continue;
                var dot = fact.Path.IndexOf('.');
                if ((profile[fact.Path[..dot]] as JsonObject)?[fact.Path[(dot + 1)..]] is { } value) result[fact.Path] = value.DeepClone();
            }
        return result;
    }

    /// <summary>Ends every approved certification whose validity ended before <paramref name="date"/>: each granted fact
    /// goes back to the value of another certification of the record still valid for it, or to unknown, recorded as a
    /// change noting 认定有效期届满 — unless someone has changed the fact since, in which case it is left alone. Running it
    /// again for the same date changes nothing.</summary>
    public async Task<ExpiryResult> ExpireAsync(PolicyCatalog catalog, DateOnly date, CancellationToken ct)
    {
        var due = await db.Set<CertificationApplication>().AsNoTracking()
            .Where(a => a.Status == CertificationStatus.Approved && a.ValidUntil < date)
            .OrderBy(a => a.Id).Select(a => a.Id).ToListAsync(ct);
        var expired = new List<long>();
        var problems = new List<string>();
        CertificationCatalog? certification = null;
        try { certification = routes.For(catalog); }
        catch (Policies.Language.CatalogException) { /* route titles are only used for the notes */ }
        foreach (var id in due)
        {
            db.ChangeTracker.Clear();
            var found = await db.Set<CertificationApplication>().AsNoTracking().FirstAsync(a => a.Id == id, ct);
            var title = certification?.ById.GetValueOrDefault(found.RouteId)?.Title ?? found.RouteId;
            var note = $"认定有效期届满（{title}，有效期至 {found.ValidUntil:yyyy-MM-dd}）";
            string? problem = null;
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var restore = await RestoredFactsAsync(found, date, ct);
            try
            {
                if (restore.Count > 0)
                    await registry.ChangeFactsAsync(found.SubjectId, restore,
                        new Provenance(SystemUser, FactStatus.Certified, found.DepartmentId, $"认定申请 #{found.Id}", note), catalog, null, ct);
            }
            catch (RegistryException re)
            {
                problem = $"认定申请 #{found.Id}：档案事实未能复原（{re.Message}）";
                db.ChangeTracker.Clear();
            }
            var application = await db.Set<CertificationApplication>().FirstAsync(a => a.Id == id, ct);
            if (application.Status != CertificationStatus.Approved) continue; // expired by a concurrent run
            var now = clock.GetUtcNow();
            application.Status = CertificationStatus.Expired;
            application.ExpiredAt = now;
            application.Version++;
            db.Set<CertificationEvent>().Add(new CertificationEvent
            {
                ApplicationId = application.Id, Kind = "expired", ByUserId = SystemUser, At = now,
                Note = problem ?? note + (restore.Count == 0 ? "；相关事实此后已被更改，未再变动" : ""),
            });
            try
            {
                await db.SaveChangesAsync(ct);
                await ledger.AppendAsync(LedgerKinds.Expired, new
                {
                    applicationId = application.Id, routeId = application.RouteId, departmentId = application.DepartmentId,
                    validUntil = application.ValidUntil, restoredFacts = restore.Keys.Order(StringComparer.Ordinal), problem,
                }, caseId: null, application.SubjectId, ct);
                await tx.CommitAsync(ct);
            }
            catch (DbUpdateConcurrencyException)
            {
                continue; // expired by a concurrent run; the transaction is rolled back
            }
            expired.Add(application.Id);
            if (problem != null)
            {
                problems.Add(problem);
                log.LogWarning("Certification application {Id} expired but its facts could not be restored", application.Id);
            }
        }
        db.ChangeTracker.Clear();
        return new ExpiryResult(expired, problems);
    }

    /// <summary>For each fact the expiring application granted and the record still holds with that value: the value of
    /// the record's latest other certification still valid on <paramref name="date"/> that grants it, else unknown.</summary>
    private async Task<Dictionary<string, JsonNode?>> RestoredFactsAsync(CertificationApplication application, DateOnly date, CancellationToken ct)
    {
        var result = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        if (application.GrantedJson is not { } json || JsonNode.Parse(json) is not JsonObject granted) return result;
        var profile = JsonNode.Parse(await db.Subjects.Where(s => s.Id == application.SubjectId).Select(s => s.ProfileJson).FirstAsync(ct))!.AsObject();
        // (ordered in memory: SQLite cannot order by a DateTimeOffset column)
        var others = (await db.Set<CertificationApplication>().AsNoTracking()
            .Where(a => a.SubjectId == application.SubjectId && a.Id != application.Id && a.Status == CertificationStatus.Approved && a.ValidUntil >= date)
            .Select(a => new { a.Id, a.DecidedAt, a.GrantedJson }).ToListAsync(ct))
            .OrderByDescending(a => a.DecidedAt).ThenByDescending(a => a.Id).Select(a => a.GrantedJson).ToList();
        foreach (var (path, value) in granted)
        {
            var dot = path.IndexOf('.');
            var current = (profile[path[..dot]] as JsonObject)?[path[(dot + 1)..]];
            if (!JsonNode.DeepEquals(current, value)) continue;
            var replacement = others.Select(o => o == null ? null : JsonNode.Parse(o) as JsonObject)
                .FirstOrDefault(o => o != null && o.ContainsKey(path))?[path];
            result[path] = replacement?.DeepClone();
        }
        return result;
    }

    /// <summary>Applications a viewer may see: a holder its own, a reviewer its department's, oversight all.</summary>
    public IQueryable<CertificationApplication> Visible(CertificationViewer viewer)
    {
        var q = db.Set<CertificationApplication>().AsNoTracking();
        if (viewer.IsOversight) return q;
        if (viewer.IsReviewer && viewer.DepartmentId is { } d) return q.Where(a => a.DepartmentId == d);
        if (viewer.SubjectId is long s) return q.Where(a => a.SubjectId == s);
        return q.Where(_ => false);
    }

    /// <summary>An evidence file, when the viewer may see it: attached to an application the viewer may see, or uploaded
    /// for the viewer's own record.</summary>
    public async Task<EvidenceFile?> EvidenceFileAsync(long fileId, CertificationViewer viewer, CancellationToken ct)
    {
        var visible = Visible(viewer);
        var allowed = (viewer.SubjectId is long s && await db.Set<EvidenceFile>().AnyAsync(f => f.Id == fileId && f.SubjectId == s, ct))
            || await db.Set<CertificationEvidence>().AnyAsync(e => e.EvidenceFileId == fileId && visible.Any(a => a.Id == e.ApplicationId), ct);
        return allowed ? await db.Set<EvidenceFile>().AsNoTracking().FirstOrDefaultAsync(f => f.Id == fileId, ct) : null;
    }

    public static string StatusText(CertificationStatus s) => s switch
    {
        CertificationStatus.Submitted => "审核中",
        CertificationStatus.Approved => "已认定",
        CertificationStatus.Rejected => "已驳回",
        CertificationStatus.Withdrawn => "已撤回",
        CertificationStatus.Expired => "已过有效期",
        _ => s.ToString(),
    };

    public static string StatusCode(CertificationStatus s) => s.ToString().ToLowerInvariant();

    public static string Date(DateOnly? d) => d?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "";
}
