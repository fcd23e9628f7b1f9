using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using TalentOne.Data;
using TalentOne.Data.Cases;
using TalentOne.Data.Certification;
using TalentOne.Data.Sweeps;
using TalentOne.Policies.Profiles;
using TalentOne.Registry.Calendar;
using TalentOne.Registry.Certification;
using TalentOne.Registry.Records;

namespace TalentOne.Registry.Cases;

/// <summary>What a case action needs besides the database: the item catalog in force, the working calendar, the China
/// date of today and the yellow-card threshold.</summary>
public sealed record CaseContext(ItemCatalog Items, WorkingCalendar Calendar, DateOnly Today, int YellowThreshold = DeadlineClock.DefaultYellowThreshold);

/// <summary>A submission (一次申请): the bundle, the ticked items, the combined form's values, the materials (material id →
/// a file id of the applicant's vault, {"commitment": text} for 承诺免提交, or {"deferred": text, "until": date} for 容缺),
/// the client's idempotency key, and how the results are to be delivered (default: online).</summary>
public sealed record CaseSubmission(string? BundleId, IReadOnlyList<string>? Items, JsonObject? Values, JsonObject? Materials, string? ClientKey,
    CaseDelivery? Delivery = null);

/// <summary>The case, and whether this call created it (false: the same client key was submitted before).</summary>
/// <param name="View">The new case as stored, built from what was just written (null when an earlier case is returned).</param>
public sealed record Submitted(CaseFile Case, bool Created, CaseView? View = null);

/// <summary>A staff member acting on a task: only a reviewer of the task's department may.</summary>
public sealed record CaseActor(string UserId, string? DepartmentId);

public enum TaskAction { Claim, Approve, Reject, Return }

/// <summary>A task as seen on a given day: its clock (null while waiting or closed) and the item.</summary>
public sealed record TaskView(CaseTask Task, ServiceItem? Item, DeadlineState? Deadline);

/// <summary>A case with its tasks, materials and history.</summary>
public sealed record CaseView(CaseFile Case, IReadOnlyList<TaskView> Tasks, IReadOnlyList<CaseMaterial> Materials, IReadOnlyList<CaseEvent> Events,
    CaseDelivery Delivery, IReadOnlyList<Mailing> Mailings);

/// <summary>The case workflow of issue 4 (一件事): apply once; the items go to their departments in parallel (并联) when
/// independent and in series (串联) when one needs another's result. Every change writes an event and a notice to the
/// applicant with its outbox rows in the same transaction.</summary>
public sealed partial class CaseService(TalentOneDb db, TimeProvider clock, ILogger<CaseService> log, Ledger.Ledger ledger, Records.PersonalDataProtector protector)
{
    /// <summary>Form fields that carry an identity number: checked against the record's (by its blind index) and stored
    /// masked — the number itself is kept only encrypted, on the record.</summary>
    private static readonly string[] IdentityFields = ["applicant.idNumber"];

    /// <summary>Events of the change being made, appended to the ledger (上链) in the same transaction, last before commit.</summary>
    private readonly List<(long CaseId, long? TaskId, string Kind, string By, DateTimeOffset At, JsonObject Detail)> _chain = [];

    /// <summary>Saves a task's change, its events and notices and their ledger entries in one transaction. False when only
    /// the case changed underneath (another department acted on another task of it): the caller redoes the action on
    /// fresh data. When the task itself changed, or after three tries, the action is refused (409).</summary>
    private async Task<bool> TrySaveAsync(long subjectId, long taskId, int loadedVersion, int attempt, CancellationToken ct)
    {
        try
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await db.SaveChangesAsync(ct);
            await ChainAsync(subjectId, ct);
            await tx.CommitAsync(ct);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            _chain.Clear();
            db.ChangeTracker.Clear();
            var current = await db.Set<CaseTask>().AsNoTracking().Where(t => t.Id == taskId).Select(t => t.Version).FirstAsync(ct);
            if (current != loadedVersion || attempt >= 3) throw new RegistryException("status", ConflictMessage, 409);
            return false;
        }
    }

    private async Task ChainAsync(long subjectId, CancellationToken ct)
    {
        if (_chain.Count == 0) return;
        var items = _chain.Select(e => new Ledger.LedgerItem("case." + e.Kind, Ledger.LedgerHash.CanonicalJson(new
        {
            caseId = e.CaseId, taskId = e.TaskId, kind = e.Kind, by = e.By, at = e.At.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
            detail = e.Detail.DeepClone(),
        }), e.CaseId, subjectId)).ToList();
        _chain.Clear();
        await ledger.AppendManyAsync(items, ct);
    }

    public const string ConflictMessage = "该事项已被他人处理";

    /// <summary>The stored (encrypted) application must fit its column.</summary>
    private const int MaxStoredForm = 100_000;
    public const string NoticeKindCase = NoticeKind.Case;

    /// <summary>Stored JSON keeps Chinese readable (the history is read by people and fed to the ledger).</summary>
    private static readonly JsonSerializerOptions Stored = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All) };

    /// <summary>Applies once for the chosen items of a bundle. The same client key of the same subject returns the
    /// case already made.</summary>
    public async Task<Submitted> SubmitAsync(long subjectId, string userId, CaseSubmission s, CaseContext cx, CancellationToken ct)
    {
        var key = s.ClientKey?.Trim();
        if (string.IsNullOrEmpty(key) || key.Length > 64) throw new RegistryException("clientKey", "缺少提交标识 clientKey（1—64 个字符，用于防止重复提交）");
        // One round trip for the record's identity and an earlier case under the same key (none without a record).
        var subject = await db.Subjects.AsNoTracking().Where(x => x.Id == subjectId).Select(x => new
        {
            x.Kind, x.IdentifierIndex, x.IdentifierMasked,
            Before = db.Set<CaseFile>().Where(c => c.SubjectId == subjectId && c.ClientKey == key).Select(c => (long?)c.Id).FirstOrDefault(),
        }).FirstOrDefaultAsync(ct);
        if (subject?.Before is long beforeId)
            return new Submitted(await db.Set<CaseFile>().AsNoTracking().FirstAsync(c => c.Id == beforeId, ct), false);
        if (string.IsNullOrWhiteSpace(s.BundleId)) throw new RegistryException("bundleId", "请选择“一件事”");
        if (!cx.Items.BundleById.TryGetValue(s.BundleId.Trim(), out var bundle))
            throw new RegistryException("bundleId", $"没有此“一件事”：{s.BundleId}", 404);
        if (subject == null) throw new RegistryException("subject", "档案不存在", 404);

        Selection selection;
        try { selection = BundlePlanner.Plan(cx.Items, bundle, s.Items ?? [], null, cx.Today); }
        catch (PlanException pe) { throw new RegistryException(pe.Errors); }
        var values = s.Values?.DeepClone().AsObject() ?? []; // a copy: identity numbers are masked in what is stored
        var errors = BundlePlanner.Validate(selection.Form, values);
        foreach (var f in IdentityFields)
            if (values[f] is JsonValue idValue && idValue.TryGetValue<string>(out var idText) && idText.Trim().Length > 0)
            {
                var prefix = subject.Kind == TalentOne.Data.Registry.SubjectKind.Person ? "id:" : "uscc:";
                if (protector.BlindIndex(prefix + idText.Trim().ToUpperInvariant()) != subject.IdentifierIndex)
                    errors.Add(new(f, "公民身份号码与档案中的不一致，请核对"));
                else values[f] = subject.IdentifierMasked;
            }
        var delivery = CaseDelivery.Check(s.Delivery, errors);
        var hashes = new Dictionary<long, string>();
        var materials = await CheckMaterialsAsync(subjectId, selection, s.Materials ?? [], cx, errors, hashes, ct);
        var sealedForm = CaseApplication.Seal(protector, values, delivery);
        if (sealedForm.Length > MaxStoredForm) errors.Add(new("values", "表单内容过长，请精简填写的内容"));
        if (errors.Count > 0) throw new RegistryException(errors);

        var now = clock.GetUtcNow();
        now = now.AddTicks(-(now.Ticks % 10)); // whole microseconds, as the database keeps them: the view returned is what is stored
        var items = selection.Levels.SelectMany(l => l).ToList();
        var inPlan = items.Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var file = new CaseFile
        {
            SubjectId = subjectId, BundleId = bundle.Id, ClientKey = key, Status = CaseStatus.Open, FormJson = sealedForm,
            SubmittedAt = now, SubmittedBy = userId, AcceptedOn = cx.Today,
        };
        foreach (var item in items)
        {
            var ready = !item.Prerequisites.Any(inPlan.Contains);
            file.Tasks.Add(new CaseTask
            {
                ItemId = item.Id, DepartmentId = item.DepartmentId, Status = ready ? CaseTaskStatus.Queued : CaseTaskStatus.Waiting,
                AcceptedOn = ready ? cx.Today : null, LimitWorkingDays = item.LimitWorkingDays,
            });
        }
        db.Set<CaseFile>().Add(file);
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException)
        {
            // The same key raced in from another request: that one's case is the answer.
            await tx.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            var other = await db.Set<CaseFile>().AsNoTracking().FirstOrDefaultAsync(c => c.SubjectId == subjectId && c.ClientKey == key, ct);
            if (other != null) return new Submitted(other, false);
            throw;
        }
        foreach (var m in materials) { m.CaseId = file.Id; m.At = now; db.Set<CaseMaterial>().Add(m); }
        var queued = file.Tasks.Where(t => t.Status == CaseTaskStatus.Queued).ToList();
        var waiting = file.Tasks.Where(t => t.Status == CaseTaskStatus.Waiting).ToList();
        Event(file.Id, null, "submitted", userId, now, new JsonObject
        {
            ["bundle"] = bundle.Id,
            ["items"] = new JsonArray(items.Select(i => (JsonNode)i.Id).ToArray()),
            // what was handed in, by hash (上链: a material changed later no longer matches its entry)
            ["materials"] = new JsonArray(materials.Select(m => (JsonNode)(m.EvidenceFileId is long fid
                ? new JsonObject { ["material"] = m.MaterialId, ["sha256"] = hashes[fid] }
                : m.Commitment != null ? new JsonObject { ["material"] = m.MaterialId, ["commitment"] = m.Commitment }
                : new JsonObject { ["material"] = m.MaterialId, ["deferredUntil"] = m.DeferredUntil is { } du ? D(du) : null })).ToArray()),
            // the stored application is encrypted; its hash shows it was not changed afterwards
            ["application"] = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(sealedForm))).ToLowerInvariant(),
            ["delivery"] = delivery.Method,
        });
        foreach (var t in queued)
            Event(file.Id, t.Id, "queued", userId, now, new JsonObject { ["department"] = t.DepartmentId, ["due"] = Due(cx, t) });
        var lines = queued.Select(t => $"《{Name(cx, t.ItemId)}》已推送至{Dept(cx, t.ItemId)}，应于 {Due(cx, t)} 前办结").ToList();
        if (waiting.Count > 0) lines.Add($"{string.Join("、", waiting.Select(t => "《" + Name(cx, t.ItemId) + "》"))}待前置事项办结后自动推送");
        Notify(subjectId, file.Id, $"“{bundle.Name}”已受理", $"您的“{bundle.Name}”申请已于 {D(cx.Today)} 受理（案件号 {file.Id}）。" + string.Join("；", lines) + "。", now);
        await db.SaveChangesAsync(ct);
        await ChainAsync(subjectId, ct);
        await tx.CommitAsync(ct);
        log.LogInformation("Case {Id} of bundle {Bundle} submitted with {Tasks} tasks", file.Id, bundle.Id, file.Tasks.Count);
        var events = db.ChangeTracker.Entries<CaseEvent>().Select(e => e.Entity).Where(e => e.CaseId == file.Id).OrderBy(e => e.Id).ToList();
        var view = new CaseView(file, file.Tasks.OrderBy(t => t.Id).Select(t => View(t, cx)).ToList(), materials.OrderBy(m => m.Id).ToList(), events, delivery, []);
        return new Submitted(file, true, view);
    }

    /// <summary>Checks the once-only materials of the plan: each given one is a file of the applicant's vault in an
    /// accepted type and size, a commitment where the material allows it, or a deferral (容缺: non-core, deferrable, due
    /// no later than the item's limit); a core material not given is taken from the vault (once-only) or missing.</summary>
    private async Task<List<CaseMaterial>> CheckMaterialsAsync(long subjectId, Selection selection, JsonObject given, CaseContext cx,
        List<ProfileError> errors, Dictionary<long, string> hashes, CancellationToken ct)
    {
        var result = new List<CaseMaterial>();
        var wanted = selection.Form.Materials.ToDictionary(m => m.Material.Id, StringComparer.Ordinal);
        foreach (var (id, _) in given)
        {
            if (id.StartsWith("result:", StringComparison.Ordinal)) errors.Add(new("materials." + id, "办理结果由前置事项的部门直接传递，无需上传"));
            else if (!wanted.ContainsKey(id)) errors.Add(new("materials." + id, "所选事项不需要此材料"));
        }
        // The vault files named, in one query; the vault itself only when a material is left out.
        var ids = selection.Form.Materials.Where(m => !m.Material.IsResult)
            .Select(m => given.TryGetPropertyValue(m.Material.Id, out var n) && n is JsonValue v && v.TryGetValue<long>(out var id) ? id : (long?)null)
            .OfType<long>().Distinct().ToList();
        var files = ids.Count == 0 ? [] : await db.Set<EvidenceFile>().AsNoTracking().Where(x => ids.Contains(x.Id) && x.SubjectId == subjectId)
            .Select(x => new { x.Id, x.ContentType, x.Size, x.Sha256 }).ToDictionaryAsync(x => x.Id, ct);
        List<(string MaterialId, long EvidenceFileId, string Sha256)>? vault = null;
        foreach (var m in selection.Form.Materials)
        {
            var mat = m.Material;
            if (mat.IsResult) continue;
            var field = "materials." + mat.Id;
            var name = mat.Name.Length > 0 ? mat.Name : mat.Id;
            var node = given.TryGetPropertyValue(mat.Id, out var n) ? n : null;
            if (node is JsonValue v && v.TryGetValue<long>(out var fileId))
            {
                var f = files.GetValueOrDefault(fileId);
                if (f == null) { errors.Add(new(field, $"“{name}”所选文件不存在，请重新上传")); continue; }
                var accepted = mat.Accept.Select(EvidenceFiles.ParseType).Where(t => t != null).Select(t => t!.Value).ToList();
                if (accepted.Count > 0 && (EvidenceFiles.FromContentType(f.ContentType) is not { } type || !accepted.Contains(type)))
                { errors.Add(new(field, $"“{name}”只接受 {string.Join("、", mat.Accept.Select(a => a.ToUpperInvariant()))} 文件")); continue; }
                if (mat.MaxSizeMb is int mb && f.Size > mb * 1024L * 1024L)
                { errors.Add(new(field, $"“{name}”不能超过 {mb} MB")); continue; }
                result.Add(new CaseMaterial { MaterialId = mat.Id, EvidenceFileId = fileId });
                hashes[fileId] = f.Sha256;
            }
            else if (node is JsonObject o && o["commitment"] is { } c)
            {
                var text = c is JsonValue cv && cv.TryGetValue<string>(out var t) ? t.Trim() : "";
                if (!mat.WaivableByCommitment) errors.Add(new(field, $"“{name}”不能以承诺代替提交"));
                else if (text.Length == 0 || text.Length > 1000) errors.Add(new(field, $"请写明“{name}”的承诺内容（不超过 1000 字）"));
                else result.Add(new CaseMaterial { MaterialId = mat.Id, Commitment = text });
            }
            else if (node is JsonObject d && d["deferred"] is { } dn)
            {
                var text = dn is JsonValue dv && dv.TryGetValue<string>(out var t) ? t.Trim() : "";
                var limit = selection.Items.Where(i => m.Items.Contains(i.Id)).Min(i => i.LimitWorkingDays);
                var latest = cx.Calendar.AddWorkingDays(cx.Today, limit);
                DateOnly until = default;
                var untilOk = d["until"] is JsonValue uv && uv.TryGetValue<string>(out var us)
                    && DateOnly.TryParseExact(us, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out until);
                if (mat.Core || !mat.Deferrable) errors.Add(new(field, $"“{name}”不能容缺受理（只有可容缺的非核心材料可以后补）"));
                else if (await CreditFlags.CurrentAsync(db, subjectId, ct) is { } flag) errors.Add(new(field, CreditFlags.RefusalMessage(flag)));
                else if (text.Length == 0 || text.Length > 1000) errors.Add(new(field, $"请写明“{name}”的容缺承诺（不超过 1000 字）"));
                else if (!untilOk || until <= cx.Today || until > latest)
                    errors.Add(new(field, $"“{name}”的补交日期应在 {D(cx.Today.AddDays(1))} 至 {D(latest)} 之间（不晚于事项办理时限）"));
                else result.Add(new CaseMaterial { MaterialId = mat.Id, Deferred = text, DeferredUntil = until });
            }
            else if (node != null) errors.Add(new(field, $"“{name}”应为已上传文件的编号，或 {{\"commitment\": …}}，或 {{\"deferred\": …, \"until\": …}}"));
            else
            {
                vault ??= (await db.Set<MaterialFile>().AsNoTracking().Where(v => v.SubjectId == subjectId)
                    .OrderByDescending(v => v.Id).Select(v => new { v.MaterialId, v.EvidenceFileId, v.File!.Sha256 }).ToListAsync(ct))
                    .Select(v => (v.MaterialId, v.EvidenceFileId, v.Sha256)).ToList();
                var kept = vault.FindIndex(x => x.MaterialId == mat.Id);
                if (kept >= 0)
                {
                    result.Add(new CaseMaterial { MaterialId = mat.Id, EvidenceFileId = vault[kept].EvidenceFileId }); // once-only: uploaded before
                    hashes[vault[kept].EvidenceFileId] = vault[kept].Sha256;
                }
                else if (mat.Core) errors.Add(new(field, $"缺少核心材料“{name}”"));
                else if (mat.Required) errors.Add(new(field, mat.Deferrable ? $"缺少材料“{name}”（可上传，或书面承诺后容缺补交）" : $"缺少材料“{name}”"));
            }
        }
        return result;
    }

    /// <summary>A department's action on a task. Another department's task does not exist for the actor (404); a closed
    /// task or one in the wrong state is a conflict (409); a concurrent change loses with "该事项已被他人处理".</summary>
    public Task<CaseTask> ActAsync(long taskId, CaseActor actor, TaskAction action, string? reason, CaseContext cx, CancellationToken ct) =>
        ActAsync(taskId, actor, action, reason, cx, 0, ct);

    /// <summary>The case's version serialises the actions on its tasks (so that two prerequisites approved at the same
    /// moment still release their common dependant). A conflict on the case alone is retried; a conflict on the task
    /// itself means someone else handled it.</summary>
    private async Task<CaseTask> ActAsync(long taskId, CaseActor actor, TaskAction action, string? reason, CaseContext cx, int attempt, CancellationToken ct)
    {
        var task = await db.Set<CaseTask>().FirstOrDefaultAsync(t => t.Id == taskId, ct);
        if (task == null || actor.DepartmentId == null || actor.DepartmentId != task.DepartmentId)
            throw new RegistryException("id", "事项不存在，或不属于本部门办理", 404);
        var file = await db.Set<CaseFile>().Include(c => c.Tasks).FirstAsync(c => c.Id == task.CaseId, ct);
        task = file.Tasks.First(t => t.Id == taskId);
        var text = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        if (text is { Length: > 1000 }) throw new RegistryException("reason", "理由不能超过 1000 字");
        if (CaseTaskStatus.IsClosed(task.Status)) throw new RegistryException("status", $"该事项{StatusText(task.Status)}，不能再办理", 409);
        var name = Name(cx, task.ItemId);
        var now = clock.GetUtcNow();
        var subjectId = file.SubjectId;
        switch (action)
        {
            case TaskAction.Claim:
                if (task.Status != CaseTaskStatus.Queued)
                    throw new RegistryException("status", task.Status == CaseTaskStatus.Claimed ? ConflictMessage : $"该事项{StatusText(task.Status)}，不能认领", 409);
                task.Status = CaseTaskStatus.Claimed;
                task.ClaimedBy = actor.UserId;
                Event(file.Id, task.Id, "claimed", actor.UserId, now, []);
                Notify(subjectId, file.Id, $"《{name}》正在办理", $"{Dept(cx, task.ItemId)}已开始办理您的《{name}》（案件号 {file.Id}）。", now);
                break;
            case TaskAction.Approve:
                if (task.Status is not (CaseTaskStatus.Queued or CaseTaskStatus.Claimed))
                    throw new RegistryException("status", $"该事项{StatusText(task.Status)}，不能办结", 409);
                Decide(task, CaseTaskStatus.Approved, actor, text, now);
                Event(file.Id, task.Id, "approved", actor.UserId, now, text == null ? [] : new JsonObject { ["reason"] = text });
                var released = new List<string>();
                foreach (var w in file.Tasks.Where(t => t.Status == CaseTaskStatus.Waiting))
                {
                    var item = cx.Items.ItemById.GetValueOrDefault(w.ItemId);
                    var pres = file.Tasks.Where(t => item != null && item.Prerequisites.Contains(t.ItemId)).ToList();
                    if (pres.Count == 0 || !pres.All(p => p.Status == CaseTaskStatus.Approved)) continue;
                    w.Status = CaseTaskStatus.Queued;
                    w.AcceptedOn = cx.Today;
                    w.Version++;
                    foreach (var p in pres)
                        db.Set<CaseMaterial>().Add(new CaseMaterial { CaseId = file.Id, MaterialId = "result:" + p.ItemId, ResultOfTaskId = p.Id, At = now });
                    Event(file.Id, w.Id, "queued", actor.UserId, now, new JsonObject
                    {
                        ["department"] = w.DepartmentId, ["due"] = Due(cx, w),
                        ["results"] = new JsonArray(pres.Select(p => (JsonNode)("result:" + p.ItemId)).ToArray()),
                    });
                    released.Add($"《{Name(cx, w.ItemId)}》已推送至{Dept(cx, w.ItemId)}，应于 {Due(cx, w)} 前办结");
                }
                Notify(subjectId, file.Id, $"《{name}》已办结", $"您的《{name}》已由{Dept(cx, task.ItemId)}办结（案件号 {file.Id}）。"
                    + (released.Count > 0 ? string.Join("；", released) + "。" : ""), now);
                break;
            case TaskAction.Reject:
                if (task.Status is not (CaseTaskStatus.Queued or CaseTaskStatus.Claimed))
                    throw new RegistryException("status", $"该事项{StatusText(task.Status)}，不能驳回", 409);
                if (text == null) throw new RegistryException("reason", "不予办理须写明理由（申请人将看到）");
                Decide(task, CaseTaskStatus.Rejected, actor, text, now);
                Event(file.Id, task.Id, "rejected", actor.UserId, now, new JsonObject { ["reason"] = text });
                var cancelled = new List<string>();
                foreach (var d in Dependants(file, task, cx))
                {
                    d.Status = CaseTaskStatus.Cancelled;
                    d.Reason = $"前置事项《{name}》未通过：{text}";
                    d.DecidedAt = now;
                    d.Version++;
                    Event(file.Id, d.Id, "cancelled", actor.UserId, now, new JsonObject { ["reason"] = d.Reason });
                    cancelled.Add("《" + Name(cx, d.ItemId) + "》");
                }
                Notify(subjectId, file.Id, $"《{name}》未通过", $"您的《{name}》未通过（案件号 {file.Id}）：{text}。"
                    + (cancelled.Count > 0 ? $"依赖它的{string.Join("、", cancelled)}同时终止。" : ""), now);
                break;
            case TaskAction.Return:
                if (task.Status is not (CaseTaskStatus.Queued or CaseTaskStatus.Claimed))
                    throw new RegistryException("status", $"该事项{StatusText(task.Status)}，不能退回补正", 409);
                if (text == null) throw new RegistryException("reason", "退回补正须写明需要补正的内容");
                var from = cx.Today > task.AcceptedOn!.Value ? cx.Today : task.AcceptedOn.Value.AddDays(1);
                var list = Suspensions(task);
                list.Add(new Suspension(from, null, "补正材料"));
                task.SuspensionsJson = JsonSerializer.Serialize(list.Select(x => new SuspensionJson(x.From, x.To, x.Reason)));
                task.Status = CaseTaskStatus.Supplement;
                task.Reason = text;
                Event(file.Id, task.Id, "returned", actor.UserId, now, new JsonObject { ["reason"] = text, ["suspendedFrom"] = D(from) });
                Notify(subjectId, file.Id, $"《{name}》需要补正", $"您的《{name}》需要补正（案件号 {file.Id}）：{text}。补正期间暂停计时，请补正后重新提交。", now);
                break;
        }
        var loaded = task.Version;
        task.Version++;
        file.Status = CaseStatusOf(file);
        file.Version++;
        return await TrySaveAsync(subjectId, taskId, loaded, attempt, ct) ? task : await ActAsync(taskId, actor, action, reason, cx, attempt + 1, ct);
    }

    /// <summary>The applicant resubmits a task returned for supplement: the clock resumes, and the record says why the
    /// due date moved.</summary>
    public Task<CaseTask> ResubmitAsync(long subjectId, long caseId, long taskId, string userId, string? note, CaseContext cx, CancellationToken ct) =>
        ResubmitAsync(subjectId, caseId, taskId, userId, note, cx, 0, ct);

    private async Task<CaseTask> ResubmitAsync(long subjectId, long caseId, long taskId, string userId, string? note, CaseContext cx, int attempt, CancellationToken ct)
    {
        var file = await db.Set<CaseFile>().Include(c => c.Tasks).FirstOrDefaultAsync(c => c.Id == caseId && c.SubjectId == subjectId, ct)
            ?? throw new RegistryException("id", "案件不存在", 404);
        var task = file.Tasks.FirstOrDefault(t => t.Id == taskId) ?? throw new RegistryException("taskId", "事项不存在", 404);
        if (task.Status != CaseTaskStatus.Supplement) throw new RegistryException("status", $"该事项{StatusText(task.Status)}，无需补正", 409);
        var text = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        if (text is { Length: > 1000 }) throw new RegistryException("note", "补正说明不能超过 1000 字");
        var now = clock.GetUtcNow();
        var list = Suspensions(task);
        var open = list[^1];
        list[^1] = open with { To = cx.Today < open.From ? open.From : cx.Today };
        task.SuspensionsJson = JsonSerializer.Serialize(list.Select(x => new SuspensionJson(x.From, x.To, x.Reason)));
        task.Status = task.ClaimedBy != null ? CaseTaskStatus.Claimed : CaseTaskStatus.Queued;
        var loaded = task.Version;
        task.Version++;
        file.Version++;
        var state = Clock(task).On(cx.Calendar, cx.Today, cx.YellowThreshold);
        var moved = state.Explanation.Where(l => l.Contains("暂停", StringComparison.Ordinal)).ToList();
        Event(file.Id, task.Id, "resubmitted", userId, now, new JsonObject
        {
            ["note"] = text, ["due"] = state.Due is { } due ? D(due) : null,
            ["why"] = new JsonArray(moved.Select(l => (JsonNode)l).ToArray()),
        });
        var name = Name(cx, task.ItemId);
        Notify(subjectId, file.Id, $"《{name}》已补正", $"您已补正《{name}》（案件号 {file.Id}），恢复计时，应于 {(state.Due is { } d2 ? D(d2) : "—")} 前办结。{string.Join("；", moved)}。", now);
        return await TrySaveAsync(subjectId, taskId, loaded, attempt, ct) ? task : await ResubmitAsync(subjectId, caseId, taskId, userId, note, cx, attempt + 1, ct);
    }

    /// <summary>Keeps a file in the applicant's vault under a material id of the item catalog (once-only: later
    /// submissions reuse it). The type is sniffed from the bytes; the same bytes are stored once per subject.</summary>
    public async Task<MaterialFile> UploadAsync(long subjectId, string userId, string? materialId, EvidenceUpload? upload, ItemCatalog items, CancellationToken ct)
    {
        var id = materialId?.Trim() ?? "";
        var defs = items.Items.SelectMany(i => i.Materials).Where(m => m.Id == id && !m.IsResult).ToList();
        if (id.Length == 0) throw new RegistryException("materialId", "请说明上传的是哪一种材料（materialId）");
        if (defs.Count == 0) throw new RegistryException("materialId", $"事项目录中没有这种材料：{id}");
        if (upload == null) throw new RegistryException("file", "请选择要上传的文件");
        var name = EvidenceFiles.DisplayName(upload.FileName);
        var label = defs.Select(d => d.Name).FirstOrDefault(n => n.Length > 0) ?? id;
        if (upload.Size == 0 || upload.Content.Length == 0) throw new RegistryException("file", $"文件“{name}”是空文件");
        if (upload.Size > EvidenceFiles.MaxBytes || upload.Content.Length > EvidenceFiles.MaxBytes)
            throw new RegistryException("file", $"文件“{name}”有 {EvidenceFiles.Size(Math.Max(upload.Size, upload.Content.Length))}，超过单个文件 {EvidenceFiles.Size(EvidenceFiles.MaxBytes)} 的上限");
        var accept = defs.Select(d => d.Accept).FirstOrDefault(a => a.Count > 0) ?? ["pdf", "jpg", "png"];
        var types = accept.Select(EvidenceFiles.ParseType).Where(t => t != null).Select(t => t!.Value).ToList();
        var type = EvidenceFiles.Sniff(upload.Content);
        if (type == null || !types.Contains(type.Value))
            throw new RegistryException("file", $"文件“{name}”不是可接受的格式：“{label}”只接受 {string.Join("、", accept.Select(a => a.ToUpperInvariant()))} 文件");
        if (defs.Select(d => d.MaxSizeMb).FirstOrDefault(x => x != null) is int mb && upload.Content.Length > mb * 1024L * 1024L)
            throw new RegistryException("file", $"“{label}”不能超过 {mb} MB");
        if (!await db.Subjects.AnyAsync(x => x.Id == subjectId, ct)) throw new RegistryException("subject", "档案不存在", 404);

        var now = clock.GetUtcNow();
        var sha = EvidenceFiles.Sha256(upload.Content);
        var fileId = await db.Set<EvidenceFile>().Where(x => x.SubjectId == subjectId && x.Sha256 == sha).Select(x => (long?)x.Id).FirstOrDefaultAsync(ct);
        if (fileId is long fid && await db.Set<MaterialFile>().Include(v => v.File).FirstOrDefaultAsync(v => v.SubjectId == subjectId && v.MaterialId == id && v.EvidenceFileId == fid, ct) is { } same)
            return same;
        var kept = new MaterialFile { SubjectId = subjectId, MaterialId = id, At = now };
        if (fileId is long existing) kept.EvidenceFileId = existing;
        else kept.File = new EvidenceFile
        {
            SubjectId = subjectId, Sha256 = sha, Size = upload.Content.Length, ContentType = EvidenceFiles.ContentType(type.Value),
            DisplayName = name, Content = upload.Content, UploadedBy = userId, UploadedAt = now,
        };
        db.Set<MaterialFile>().Add(kept);
        await db.SaveChangesAsync(ct);
        if (kept.File == null) kept.File = await db.Set<EvidenceFile>().FirstAsync(x => x.Id == kept.EvidenceFileId, ct);
        return kept;
    }

    public async Task<List<MaterialFile>> VaultAsync(long subjectId, CancellationToken ct) =>
        await db.Set<MaterialFile>().AsNoTracking().Include(v => v.File).Where(v => v.SubjectId == subjectId).OrderByDescending(v => v.Id).Take(500).ToListAsync(ct);

    /// <summary>The subject's latest 200 cases with their tasks' clocks, delivery and mailings (no materials or history).</summary>
    public async Task<List<CaseView>> MyCasesAsync(long subjectId, CaseContext cx, CancellationToken ct)
    {
        var files = await db.Set<CaseFile>().AsNoTracking().Include(c => c.Tasks).Where(c => c.SubjectId == subjectId)
            .OrderByDescending(c => c.Id).Take(200).ToListAsync(ct);
        var mailings = await MailingsAsync(files.Select(f => f.Id).ToList(), ct);
        return files.Select(c => new CaseView(c, c.Tasks.OrderBy(t => t.Id).Select(t => View(t, cx)).ToList(), [], [], DeliveryOf(c),
            mailings.Where(m => c.Tasks.Any(t => t.Id == m.TaskId)).ToList())).ToList();
    }

    /// <summary>One case of the subject (null: none such — or someone else's).</summary>
    public async Task<CaseView?> CaseAsync(long subjectId, long caseId, CaseContext cx, CancellationToken ct)
    {
        var file = await db.Set<CaseFile>().AsNoTracking().Include(c => c.Tasks).FirstOrDefaultAsync(c => c.Id == caseId && c.SubjectId == subjectId, ct);
        if (file == null) return null;
        var materials = await db.Set<CaseMaterial>().AsNoTracking().Where(m => m.CaseId == caseId).OrderBy(m => m.Id).ToListAsync(ct);
        var events = await db.Set<CaseEvent>().AsNoTracking().Where(e => e.CaseId == caseId).OrderBy(e => e.Id).ToListAsync(ct);
        return new CaseView(file, file.Tasks.OrderBy(t => t.Id).Select(t => View(t, cx)).ToList(), materials, events, DeliveryOf(file),
            events.Where(e => e.Kind == "mailed").Select(ToMailing).ToList());
    }

    /// <summary>A department's open tasks: red first, then yellow, then by due date.</summary>
    public async Task<List<TaskView>> QueueAsync(string departmentId, CaseContext cx, CancellationToken ct)
    {
        string[] open = [CaseTaskStatus.Queued, CaseTaskStatus.Claimed, CaseTaskStatus.Supplement];
        var tasks = await db.Set<CaseTask>().AsNoTracking().Where(t => t.DepartmentId == departmentId && open.Contains(t.Status))
            .OrderBy(t => t.Id).Take(1000).ToListAsync(ct);
        return tasks.Select(t => View(t, cx))
            .OrderBy(v => v.Deadline?.Status switch { DeadlineStatus.Red => 0, DeadlineStatus.Yellow => 1, DeadlineStatus.Normal => 2, _ => 3 })
            .ThenBy(v => v.Deadline?.Due ?? DateOnly.MaxValue).ThenBy(v => v.Task.Id).ToList();
    }

    public TaskView View(CaseTask t, CaseContext cx)
    {
        var item = cx.Items.ItemById.GetValueOrDefault(t.ItemId);
        DeadlineState? state = null;
        if (t.AcceptedOn != null && !CaseTaskStatus.IsClosed(t.Status))
        {
            try { state = Clock(t).On(cx.Calendar, cx.Today, cx.YellowThreshold); }
            catch (Exception e) when (e is DeadlineException or CalendarRangeException) { state = null; }
        }
        return new TaskView(t, item, state);
    }

    public static DeadlineClock Clock(CaseTask t) => new(t.AcceptedOn!.Value, t.LimitWorkingDays, Suspensions(t), Extensions(t));

    private sealed record ExtensionJson(int WorkingDays, string Reason, DateOnly? On);

    public static List<Extension> Extensions(CaseTask t) =>
        (JsonSerializer.Deserialize<List<ExtensionJson>>(t.ExtensionsJson) ?? []).Select(x => new Extension(x.WorkingDays, x.Reason, x.On)).ToList();

    private static string ExtensionsText(IEnumerable<Extension> list) =>
        JsonSerializer.Serialize(list.Select(x => new ExtensionJson(x.WorkingDays, x.Reason, x.On)), Stored);

    private sealed record SuspensionJson(DateOnly From, DateOnly? To, string Reason);

    public static List<Suspension> Suspensions(CaseTask t) =>
        (JsonSerializer.Deserialize<List<SuspensionJson>>(t.SuspensionsJson) ?? []).Select(x => new Suspension(x.From, x.To, x.Reason)).ToList();

    public static string StatusText(string status) => status switch
    {
        CaseTaskStatus.Waiting => "等待前置事项", CaseTaskStatus.Queued => "待办理", CaseTaskStatus.Claimed => "办理中",
        CaseTaskStatus.Supplement => "待补正", CaseTaskStatus.Approved => "已办结", CaseTaskStatus.Rejected => "未通过",
        CaseTaskStatus.Cancelled => "已终止", CaseTaskStatus.Withdrawn => "已撤回", CaseTaskStatus.Terminated => "已终止（未按承诺补交）", _ => status,
    };

    public static string CaseStatusText(string status) => status switch
    {
        CaseStatus.Open => "办理中", CaseStatus.Completed => "已办结", CaseStatus.PartlyRejected => "部分未通过", CaseStatus.Withdrawn => "已撤回", _ => status,
    };

    private static string CaseStatusOf(CaseFile file) =>
        file.Tasks.Any(t => t.Status == CaseTaskStatus.Withdrawn) ? CaseStatus.Withdrawn
        : file.Tasks.All(t => t.Status == CaseTaskStatus.Approved) ? CaseStatus.Completed
        : file.Tasks.All(t => CaseTaskStatus.IsClosed(t.Status)) ? CaseStatus.PartlyRejected
        : CaseStatus.Open;

    /// <summary>Every task that needs the given one, transitively, and is not closed.</summary>
    private static List<CaseTask> Dependants(CaseFile file, CaseTask root, CaseContext cx)
    {
        var found = new List<CaseTask>();
        var names = new HashSet<string>(StringComparer.Ordinal) { root.ItemId };
        bool grew = true;
        while (grew)
        {
            grew = false;
            foreach (var t in file.Tasks.Where(t => !CaseTaskStatus.IsClosed(t.Status) && !names.Contains(t.ItemId)))
                if (cx.Items.ItemById.GetValueOrDefault(t.ItemId) is { } item && item.Prerequisites.Any(names.Contains))
                {
                    names.Add(t.ItemId);
                    found.Add(t);
                    grew = true;
                }
        }
        return found;
    }

    private static void Decide(CaseTask task, string status, CaseActor actor, string? reason, DateTimeOffset now)
    {
        task.Status = status;
        task.DecidedBy = actor.UserId;
        task.DecidedAt = now;
        task.Reason = reason;
    }

    private void Event(long caseId, long? taskId, string kind, string by, DateTimeOffset at, JsonObject detail)
    {
        db.Set<CaseEvent>().Add(new CaseEvent { CaseId = caseId, TaskId = taskId, Kind = kind, By = by, At = at, DetailJson = detail.ToJsonString(Stored) });
        _chain.Add((caseId, taskId, kind, by, at, detail));
    }

    /// <summary>A notice to the applicant with its SMS and in-app outbox rows, saved with the change (transactional outbox).</summary>
    private void Notify(long subjectId, long caseId, string title, string body, DateTimeOffset now)
    {
        var notice = new Notice
        {
            SubjectId = subjectId, PolicyId = "case:" + caseId.ToString(CultureInfo.InvariantCulture), GrantKey = Guid.NewGuid().ToString("N"),
            Kind = NoticeKindCase, Title = Trim(title, 300), Body = Trim(body, 2_000), CreatedAt = now,
        };
        db.Set<Notice>().Add(notice);
        foreach (var channel in OutboxChannel.All)
            db.Set<OutboxMessage>().Add(new OutboxMessage { Notice = notice, Channel = channel, Status = OutboxStatus.Pending, NextAttemptAt = now });
    }

    private static string Trim(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";

    private static string Due(CaseContext cx, CaseTask t) => D(cx.Calendar.AddWorkingDays(t.AcceptedOn!.Value, t.LimitWorkingDays));

    private static string Name(CaseContext cx, string itemId) => cx.Items.ItemById.TryGetValue(itemId, out var i) ? i.Name : itemId;

    private static string Dept(CaseContext cx, string itemId) => cx.Items.ItemById.TryGetValue(itemId, out var i) ? i.DepartmentName : itemId;

    public static string D(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
