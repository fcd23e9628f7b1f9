using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using TalentOne.Data.Cases;
using TalentOne.Data.Certification;
using TalentOne.Data.Deferral;
using TalentOne.Policies.Profiles;
using TalentOne.Registry.Calendar;
using TalentOne.Registry.Certification;
using TalentOne.Registry.Records;

namespace TalentOne.Registry.Cases;

/// <summary>Settings of 容缺受理: how many working days before the promised date the applicant is reminded (0: only
/// on the date itself).</summary>
public sealed record DeferralOptions(int RemindWorkingDays = DeferralOptions.DefaultRemindWorkingDays)
{
    public const int DefaultRemindWorkingDays = 2;
}

public enum DeferralState
{
    /// <summary>Promised, not yet supplied.</summary>
    Open,
    Supplied,
    /// <summary>Not supplied in time: the tasks that needed it were terminated.</summary>
    Terminated,
    /// <summary>Every task that needed it ended otherwise (rejected, cancelled, terminated): nothing is owed any more.</summary>
    Moot,
}

/// <summary>How a material is defined in the item catalog (name, accepted types, size), wherever it was first given.</summary>
public sealed record MaterialDefinition(string Id, string Name, IReadOnlyList<string> Accept, int? MaxSizeMb);

/// <summary>A deferred (容缺) material of a case as it stands: the promise, the file that fulfilled it, the state.</summary>
public sealed record DeferralView(CaseFile Case, CaseMaterial Deferral, CaseMaterial? Supply, DeferralState State, MaterialDefinition Material,
    IReadOnlyList<string> Items, DateOnly? TerminatedOn);

/// <summary>容缺受理 (issue 4 §3): a non-core material may be promised for later — at submission or by the reviewer of a
/// task — by an applicant without a bad-credit flag; the applicant supplies it later; the daily job reminds before and
/// on the promised date and, on the first working day after it, terminates the tasks that still need it, cancels their
/// dependants and flags the applicant (失信). Every change writes case events and ledger entries in its transaction.</summary>
public sealed partial class CaseService
{
    /// <summary>The actor recorded for what the daily job does.</summary>
    public const string DeferralActor = "system:deferrals";

    /// <summary>The material's name, types and size from the item catalog (the first item that gives them).</summary>
    public static MaterialDefinition Definition(ItemCatalog items, string materialId)
    {
        var defs = items.Items.SelectMany(i => i.Materials).Where(m => m.Id == materialId).ToList();
        return new MaterialDefinition(materialId, defs.Select(d => d.Name).FirstOrDefault(n => n.Length > 0) ?? materialId,
            defs.Select(d => d.Accept).FirstOrDefault(a => a.Count > 0) ?? [], defs.Select(d => d.MaxSizeMb).FirstOrDefault(x => x != null));
    }

    /// <summary>The tasks of the case whose item asks for the material.</summary>
    private static List<CaseTask> Needing(CaseFile file, string materialId, CaseContext cx) =>
        file.Tasks.Where(t => cx.Items.ItemById.GetValueOrDefault(t.ItemId) is { } i && i.Materials.Any(m => m.Id == materialId)).ToList();

    private static bool Moot(List<CaseTask> needing) =>
        needing.All(t => t.Status is CaseTaskStatus.Rejected or CaseTaskStatus.Cancelled or CaseTaskStatus.Terminated or CaseTaskStatus.Withdrawn);

    /// <summary>The deferred materials of the subject's cases (of one case when <paramref name="caseId"/> is given),
    /// newest case first.</summary>
    public async Task<List<DeferralView>> DeferralsAsync(long subjectId, long? caseId, CaseContext cx, CancellationToken ct)
    {
        var files = await db.Set<CaseFile>().AsNoTracking().Include(c => c.Tasks)
            .Where(c => c.SubjectId == subjectId && (caseId == null || c.Id == caseId)).OrderByDescending(c => c.Id).Take(200).ToListAsync(ct);
        var ids = files.Select(f => f.Id).ToList();
        var mats = await db.Set<CaseMaterial>().AsNoTracking().Where(m => ids.Contains(m.CaseId) && (m.Deferred != null || m.SuppliesId != null))
            .OrderBy(m => m.Id).ToListAsync(ct);
        var ended = await db.Set<DeferralStep>().AsNoTracking().Where(s => ids.Contains(s.CaseId) && s.Kind == DeferralStepKind.Terminated)
            .Select(s => new { s.CaseMaterialId, s.On }).ToListAsync(ct);
        var result = new List<DeferralView>();
        foreach (var file in files)
            foreach (var d in mats.Where(m => m.CaseId == file.Id && m.Deferred != null))
            {
                var supply = mats.FirstOrDefault(m => m.SuppliesId == d.Id);
                var end = ended.FirstOrDefault(e => e.CaseMaterialId == d.Id);
                var needing = Needing(file, d.MaterialId, cx);
                var state = supply != null ? DeferralState.Supplied : end != null ? DeferralState.Terminated
                    : Moot(needing) ? DeferralState.Moot : DeferralState.Open;
                result.Add(new DeferralView(file, d, supply, state, Definition(cx.Items, d.MaterialId), needing.Select(t => t.ItemId).ToList(), end?.On));
            }
        return result;
    }

    /// <summary>A task of the department with its case's material rows and the applicant's bad-credit flag (null: no
    /// such task in this department).</summary>
    public async Task<(TaskView Task, List<CaseMaterial> Materials, CreditFlagEvent? Flag)?> DepartmentTaskAsync(long taskId, string? departmentId, CaseContext cx, CancellationToken ct)
    {
        var task = await db.Set<CaseTask>().AsNoTracking().FirstOrDefaultAsync(t => t.Id == taskId && departmentId != null && t.DepartmentId == departmentId, ct);
        if (task == null) return null;
        var subjectId = await db.Set<CaseFile>().AsNoTracking().Where(c => c.Id == task.CaseId).Select(c => c.SubjectId).FirstAsync(ct);
        var materials = await db.Set<CaseMaterial>().AsNoTracking().Where(m => m.CaseId == task.CaseId).OrderBy(m => m.Id).ToListAsync(ct);
        return (View(task, cx), materials, await CreditFlags.CurrentAsync(db, subjectId, ct));
    }

    /// <summary>容缺受理 by the reviewer of a task: the applicant's written promise to supply a material of the task's item
    /// by <paramref name="until"/> (after today, not later than the task's due date). Only a non-core deferrable
    /// material not yet given; refused for an applicant with a bad-credit flag (403).</summary>
    public Task<CaseMaterial> DeferAsync(long taskId, CaseActor actor, string? materialId, string? promise, string? until, CaseContext cx, CancellationToken ct) =>
        DeferAsync(taskId, actor, materialId, promise, until, cx, 0, ct);

    private async Task<CaseMaterial> DeferAsync(long taskId, CaseActor actor, string? materialId, string? promise, string? until, CaseContext cx, int attempt, CancellationToken ct)
    {
        var task = await db.Set<CaseTask>().FirstOrDefaultAsync(t => t.Id == taskId, ct);
        if (task == null || actor.DepartmentId == null || actor.DepartmentId != task.DepartmentId)
            throw new RegistryException("id", "事项不存在，或不属于本部门办理", 404);
        var file = await db.Set<CaseFile>().Include(c => c.Tasks).FirstAsync(c => c.Id == task.CaseId, ct);
        task = file.Tasks.First(t => t.Id == taskId);
        if (task.Status is not (CaseTaskStatus.Queued or CaseTaskStatus.Claimed))
            throw new RegistryException("status", $"该事项{StatusText(task.Status)}，不能容缺受理", 409);
        var item = cx.Items.ItemById.GetValueOrDefault(task.ItemId)
            ?? throw new RegistryException("id", "事项目录中已没有此事项，不能容缺受理", 409);
        var id = materialId?.Trim() ?? "";
        if (id.Length == 0) throw new RegistryException("materialId", "请选择容缺受理的材料（materialId）");
        var use = item.Materials.FirstOrDefault(m => m.Id == id && !m.IsResult)
            ?? throw new RegistryException("materialId", $"《{item.Name}》不需要此材料：{id}");
        var def = Definition(cx.Items, id);
        if (use.Core || !use.Deferrable) throw new RegistryException("materialId", $"“{def.Name}”不能容缺受理（只有可容缺的非核心材料可以后补）");
        if (await CreditFlags.CurrentAsync(db, file.SubjectId, ct) is { } flag) throw new RegistryException("materialId", CreditFlags.RefusalMessage(flag), 403);

        var errors = new List<ProfileError>();
        var text = promise?.Trim() ?? "";
        if (text.Length == 0 || text.Length > 1000) errors.Add(new("promise", $"请写明申请人对“{def.Name}”的书面承诺（不超过 1000 字）"));
        var due = Clock(task).On(cx.Calendar, cx.Today, cx.YellowThreshold).Due ?? throw new RegistryException("status", "该事项暂停计时，不能容缺受理", 409);
        DateOnly date = default;
        var dateOk = DateOnly.TryParseExact(until?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
        if (!dateOk || date <= cx.Today || date > due)
            errors.Add(new("until", due <= cx.Today
                ? $"本事项的截止日 {D(due)} 已到，不能再容缺受理"
                : $"补交日期应在 {D(cx.Today.AddDays(1))} 至 {D(due)} 之间（不晚于本事项的截止日）"));
        if (errors.Count > 0) throw new RegistryException(errors);

        var given = await db.Set<CaseMaterial>().AsNoTracking().Where(m => m.CaseId == file.Id && m.MaterialId == id).ToListAsync(ct);
        if (given.Any(m => m.EvidenceFileId != null)) throw new RegistryException("materialId", $"申请人已提交“{def.Name}”，无需容缺受理", 409);
        if (given.Any(m => m.Commitment != null)) throw new RegistryException("materialId", $"申请人已承诺免提交“{def.Name}”", 409);
        if (given.FirstOrDefault(m => m.Deferred != null) is { } before)
            throw new RegistryException("materialId", $"“{def.Name}”已容缺受理（承诺于 {D(before.DeferredUntil!.Value)} 前补交）", 409);

        var now = clock.GetUtcNow();
        var row = new CaseMaterial { CaseId = file.Id, MaterialId = id, Deferred = text, DeferredUntil = date, At = now };
        db.Set<CaseMaterial>().Add(row);
        Event(file.Id, task.Id, "deferred", actor.UserId, now, new JsonObject { ["material"] = id, ["until"] = D(date), ["promise"] = text });
        Notify(file.SubjectId, file.Id, $"“{def.Name}”容缺受理", $"{Dept(cx, task.ItemId)}已对您的《{item.Name}》（案件号 {file.Id}）容缺受理“{def.Name}”，"
            + $"请于 {D(date)} 前在“我的办件”中补交。逾期未补交，需要它的事项将终止，并记入失信标记。", now);
        var loaded = task.Version;
        task.Version++;
        file.Version++;
        return await TrySaveAsync(file.SubjectId, taskId, loaded, attempt, ct) ? row
            : await DeferAsync(taskId, actor, materialId, promise, until, cx, attempt + 1, ct);
    }

    /// <summary>The applicant supplies a deferred material: a file of their vault (type and size checked as at
    /// submission) becomes a new material row of the case pointing at the deferral (the old row is never edited).
    /// Refused after termination (409), and when nothing needs it any more.</summary>
    public Task<CaseMaterial> SupplyAsync(long subjectId, long caseId, string? materialId, long? fileId, string userId, CaseContext cx, CancellationToken ct) =>
        SupplyAsync(subjectId, caseId, materialId, fileId, userId, cx, 0, ct);

    private async Task<CaseMaterial> SupplyAsync(long subjectId, long caseId, string? materialId, long? fileId, string userId, CaseContext cx, int attempt, CancellationToken ct)
    {
        var file = await db.Set<CaseFile>().Include(c => c.Tasks).FirstOrDefaultAsync(c => c.Id == caseId && c.SubjectId == subjectId, ct)
            ?? throw new RegistryException("id", "案件不存在", 404);
        var id = materialId?.Trim() ?? "";
        var rows = await db.Set<CaseMaterial>().AsNoTracking().Where(m => m.CaseId == caseId && m.MaterialId == id).OrderBy(m => m.Id).ToListAsync(ct);
        var d = rows.LastOrDefault(m => m.Deferred != null)
            ?? throw new RegistryException("materialId", $"本案件没有容缺待补交的材料：{id}", 404);
        var def = Definition(cx.Items, id);
        var until = d.DeferredUntil!.Value;
        if (rows.FirstOrDefault(m => m.SuppliesId == d.Id) is { } done)
            throw new RegistryException("materialId", $"“{def.Name}”已于 {D(DateOnly.FromDateTime(done.At.ToOffset(TimeSpan.FromHours(8)).DateTime))} 补交", 409);
        if (await db.Set<DeferralStep>().AnyAsync(s => s.CaseMaterialId == d.Id && s.Kind == DeferralStepKind.Terminated, ct))
            throw new RegistryException("materialId", $"“{def.Name}”未在承诺的 {D(until)} 前补交，相关事项已终止，不能再补交", 409);
        if (Moot(Needing(file, id, cx)))
            throw new RegistryException("materialId", $"需要“{def.Name}”的事项均已结束（未通过或已终止），无需补交", 409);
        if (fileId is not long fid) throw new RegistryException("fileId", $"请选择已上传到材料库的“{def.Name}”文件（fileId）");
        var f = await db.Set<EvidenceFile>().AsNoTracking().Where(x => x.Id == fid && x.SubjectId == subjectId)
            .Select(x => new { x.ContentType, x.Size, x.Sha256 }).FirstOrDefaultAsync(ct)
            ?? throw new RegistryException("fileId", $"“{def.Name}”所选文件不存在，请重新上传");
        var accepted = def.Accept.Select(EvidenceFiles.ParseType).Where(t => t != null).Select(t => t!.Value).ToList();
        if (accepted.Count > 0 && (EvidenceFiles.FromContentType(f.ContentType) is not { } type || !accepted.Contains(type)))
            throw new RegistryException("fileId", $"“{def.Name}”只接受 {string.Join("、", def.Accept.Select(a => a.ToUpperInvariant()))} 文件");
        if (def.MaxSizeMb is int mb && f.Size > mb * 1024L * 1024L) throw new RegistryException("fileId", $"“{def.Name}”不能超过 {mb} MB");

        var now = clock.GetUtcNow();
        var row = new CaseMaterial { CaseId = caseId, MaterialId = id, EvidenceFileId = fid, SuppliesId = d.Id, At = now };
        db.Set<CaseMaterial>().Add(row);
        var late = cx.Today > until;
        Event(caseId, null, "supplied", userId, now, new JsonObject
        {
            ["material"] = id, ["deferral"] = d.Id, ["file"] = fid, ["sha256"] = f.Sha256, ["until"] = D(until), ["onTime"] = !late,
        });
        Notify(subjectId, caseId, $"已收到补交的“{def.Name}”", $"您已补交“{def.Name}”（案件号 {caseId}）"
            + (late ? $"，晚于承诺的 {D(until)}，但在终止之前" : $"，在承诺的 {D(until)} 之前") + "，容缺承诺已履行。", now);
        file.Version++;
        switch (await TrySaveCaseAsync(subjectId, null, ct))
        {
            case SaveOutcome.Saved: return row;
            case SaveOutcome.Conflict when attempt < 3: return await SupplyAsync(subjectId, caseId, materialId, fileId, userId, cx, attempt + 1, ct);
            case SaveOutcome.Duplicate: throw new RegistryException("materialId", $"“{def.Name}”已补交", 409);
            default: throw new RegistryException("status", ConflictMessage, 409);
        }
    }

    private enum SaveOutcome { Saved, Conflict, Duplicate }

    /// <summary>Saves the change with its events (and, after them, <paramref name="after"/>'s ledger entries) in one
    /// transaction. Conflict: the case or a task changed underneath (redo on fresh data); Duplicate: a unique row (a
    /// supply, a job step) was written by someone else first.</summary>
    private async Task<SaveOutcome> TrySaveCaseAsync(long subjectId, Func<Task>? after, CancellationToken ct)
    {
        try
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await db.SaveChangesAsync(ct);
            await ChainAsync(subjectId, ct);
            if (after != null) await after();
            await tx.CommitAsync(ct);
            return SaveOutcome.Saved;
        }
        catch (DbUpdateConcurrencyException)
        {
            _chain.Clear();
            db.ChangeTracker.Clear();
            return SaveOutcome.Conflict;
        }
        catch (DbUpdateException)
        {
            _chain.Clear();
            db.ChangeTracker.Clear();
            return SaveOutcome.Duplicate;
        }
    }

    /// <summary>The n-th working day before a date (the date itself for n = 0).</summary>
    private static DateOnly WorkingDaysBefore(WorkingCalendar calendar, DateOnly date, int n)
    {
        var d = date;
        for (var k = 0; k < n;)
        {
            d = d.AddDays(-1);
            if (calendar.IsWorkingDay(d)) k++;
        }
        return d;
    }

    /// <summary>What the daily job owes a deferral due on <paramref name="until"/> on <paramref name="today"/>: the
    /// termination from the first working day after the date, the due-date reminder from the date, the early reminder
    /// from <paramref name="remindWorkingDays"/> working days before it (a day missed is caught up; each happens once).</summary>
    public static string? DeferralStepDue(WorkingCalendar calendar, DateOnly until, DateOnly today, int remindWorkingDays)
    {
        if (today >= calendar.AddWorkingDays(until, 1)) return DeferralStepKind.Terminated;
        if (today >= until) return DeferralStepKind.RemindDue;
        if (remindWorkingDays > 0 && today >= WorkingDaysBefore(calendar, until, remindWorkingDays)) return DeferralStepKind.RemindBefore;
        return null;
    }

    private sealed record StepDone(string Kind, int Terminated, int Cancelled);

    /// <summary>The daily job (<see cref="DeferralJob"/>): for <see cref="CaseContext.Today"/>, reminds the applicants of
    /// open deferrals and terminates those not supplied by the first working day after their date. Each deferral is
    /// handled in its own transaction; a step already taken (unique per deferral and kind) is not taken again.</summary>
    public async Task<string> RunDeferralsAsync(CaseContext cx, int remindWorkingDays, CancellationToken ct)
    {
        var open = await db.Set<CaseMaterial>().AsNoTracking()
            .Where(d => d.Deferred != null && d.DeferredUntil != null
                && !db.Set<CaseMaterial>().Any(s => s.SuppliesId == d.Id)
                && !db.Set<DeferralStep>().Any(s => s.CaseMaterialId == d.Id && s.Kind == DeferralStepKind.Terminated))
            .OrderBy(d => d.Id).Select(d => new { d.Id, Until = d.DeferredUntil!.Value }).ToListAsync(ct);
        int before = 0, onDue = 0, ended = 0, terminated = 0, cancelled = 0, failed = 0;
        foreach (var d in open)
        {
            string? kind;
            try { kind = DeferralStepDue(cx.Calendar, d.Until, cx.Today, remindWorkingDays); }
            catch (CalendarRangeException) { failed++; log.LogWarning("Deferral {Id}: its date is outside the working calendar", d.Id); continue; }
            if (kind == null) continue;
            StepDone? done = null;
            for (var attempt = 0; attempt < 3; attempt++)
            {
                var (outcome, step) = await StepAsync(d.Id, kind, cx, ct);
                if (outcome == SaveOutcome.Saved) { done = step; break; }
            }
            if (done == null) continue;
            switch (done.Kind)
            {
                case DeferralStepKind.RemindBefore: before++; break;
                case DeferralStepKind.RemindDue: onDue++; break;
                default: ended++; terminated += done.Terminated; cancelled += done.Cancelled; break;
            }
        }
        log.LogInformation("Deferrals on {Date}: {Before} early reminders, {Due} due-date reminders, {Ended} lapsed ({Terminated} tasks terminated, {Cancelled} cancelled)",
            cx.Today, before, onDue, ended, terminated, cancelled);
        return $"容缺提醒：提前 {before} 次、到期 {onDue} 次；未按承诺补交 {ended} 项（终止事项 {terminated} 个，连带终止 {cancelled} 个，记失信标记 {ended} 次）"
            + (failed > 0 ? $"；{failed} 项日期超出工作日历，未处理" : "");
    }

    /// <summary>One step for one deferral, on fresh data: nothing when it was taken already, the material was supplied
    /// or nothing needs it any more.</summary>
    private async Task<(SaveOutcome, StepDone?)> StepAsync(long deferralId, string kind, CaseContext cx, CancellationToken ct)
    {
        _chain.Clear();
        db.ChangeTracker.Clear();
        var d = await db.Set<CaseMaterial>().AsNoTracking().FirstAsync(m => m.Id == deferralId, ct);
        if (await db.Set<DeferralStep>().AnyAsync(s => s.CaseMaterialId == d.Id && (s.Kind == kind || s.Kind == DeferralStepKind.Terminated), ct)
            || await db.Set<CaseMaterial>().AnyAsync(s => s.SuppliesId == d.Id, ct))
            return (SaveOutcome.Saved, null);
        var file = await db.Set<CaseFile>().Include(c => c.Tasks).FirstAsync(c => c.Id == d.CaseId, ct);
        var needing = Needing(file, d.MaterialId, cx);
        if (Moot(needing)) return (SaveOutcome.Saved, null);
        var def = Definition(cx.Items, d.MaterialId);
        var until = d.DeferredUntil!.Value;
        var now = clock.GetUtcNow();
        var subjectId = file.SubjectId;
        db.Set<DeferralStep>().Add(new DeferralStep { CaseMaterialId = d.Id, CaseId = file.Id, Kind = kind, On = cx.Today, At = now });
        var detail = new JsonObject { ["material"] = d.MaterialId, ["deferral"] = d.Id, ["until"] = D(until) };
        int terminatedCount = 0, cancelledCount = 0;
        CreditFlagEvent? flag = null;
        const string Upload = "请在“我的办件”中上传；逾期未补交，需要它的事项将终止，并记入失信标记。";
        switch (kind)
        {
            case DeferralStepKind.RemindBefore:
                var left = cx.Calendar.WorkingDaysBetween(cx.Today, until);
                detail["step"] = "before";
                detail["workingDaysLeft"] = left;
                Event(file.Id, null, "reminded", DeferralActor, now, detail);
                Notify(subjectId, file.Id, $"请按承诺补交“{def.Name}”", $"您在案件 {file.Id} 中承诺于 {D(until)} 前补交“{def.Name}”，"
                    + (left > 0 ? $"还有 {left} 个工作日。" : "期限将至。") + Upload, now);
                break;
            case DeferralStepKind.RemindDue:
                detail["step"] = "due";
                Event(file.Id, null, "reminded", DeferralActor, now, detail);
                Notify(subjectId, file.Id, $"今天是补交“{def.Name}”的最后一天", $"您在案件 {file.Id} 中承诺于 {D(until)} 前补交“{def.Name}”，今天是最后一天。" + Upload, now);
                break;
            default:
                var reason = $"未按承诺于 {D(until)} 前补交“{def.Name}”";
                var ending = needing.Where(t => !CaseTaskStatus.IsClosed(t.Status)).ToList();
                foreach (var t in ending)
                {
                    t.Status = CaseTaskStatus.Terminated;
                    t.Reason = reason;
                    t.DecidedBy = DeferralActor;
                    t.DecidedAt = now;
                    t.Version++;
                    Event(file.Id, t.Id, "terminated", DeferralActor, now, new JsonObject { ["material"] = d.MaterialId, ["until"] = D(until), ["reason"] = reason });
                }
                var followers = new List<string>();
                foreach (var t in ending)
                    foreach (var dep in Dependants(file, t, cx))
                    {
                        dep.Status = CaseTaskStatus.Cancelled;
                        dep.Reason = $"前置事项《{Name(cx, t.ItemId)}》已终止：{reason}";
                        dep.DecidedAt = now;
                        dep.Version++;
                        Event(file.Id, dep.Id, "cancelled", DeferralActor, now, new JsonObject { ["reason"] = dep.Reason });
                        followers.Add("《" + Name(cx, dep.ItemId) + "》");
                    }
                terminatedCount = ending.Count;
                cancelledCount = followers.Count;
                file.Status = CaseStatusOf(file);
                var bundle = cx.Items.BundleById.TryGetValue(file.BundleId, out var b) ? b.Name : file.BundleId;
                flag = new CreditFlagEvent
                {
                    SubjectId = subjectId, Flagged = true, Source = CreditFlagSource.Automatic, By = DeferralActor, At = now, CaseId = file.Id, MaterialId = d.MaterialId,
                    Reason = Trim($"案件 {file.Id}（{bundle}）容缺受理的“{def.Name}”未按承诺于 {D(until)} 前补交", 1_000),
                };
                db.Set<CreditFlagEvent>().Add(flag);
                detail["step"] = "terminated";
                detail["terminated"] = new JsonArray(ending.Select(t => (JsonNode)t.ItemId).ToArray());
                detail["cancelled"] = cancelledCount;
                Event(file.Id, null, "lapsed", DeferralActor, now, detail);
                Event(file.Id, null, "credit_flagged", DeferralActor, now, new JsonObject { ["reason"] = flag.Reason, ["material"] = d.MaterialId });
                var names = ending.Select(t => "《" + Name(cx, t.ItemId) + "》").ToList();
                Notify(subjectId, file.Id, $"“{def.Name}”未按承诺补交", $"您承诺于 {D(until)} 前补交“{def.Name}”，至今未补交（案件号 {file.Id}）。"
                    + (names.Count > 0 ? $"{string.Join("、", names)}已终止" + (followers.Count > 0 ? $"，依赖它的{string.Join("、", followers)}同时终止。" : "。") : "")
                    + "根据容缺受理的书面承诺，已记入失信标记，今后不能再容缺受理；如有异议，请联系人才办。", now);
                break;
        }
        file.Version++;
        var outcome = await TrySaveCaseAsync(subjectId, flag == null ? null : async () =>
            await ledger.AppendAsync(CreditService.LedgerKindSet, CreditService.Payload(flag), file.Id, subjectId, ct), ct);
        return (outcome, outcome == SaveOutcome.Saved ? new StepDone(kind, terminatedCount, cancelledCount) : null);
    }
}

/// <summary>The daily 容缺 job: reminders before and on the promised date, termination after it.</summary>
public sealed class DeferralJob(CaseService service, DeferralOptions options) : ICaseDailyJob
{
    public string Name => "deferrals";

    public Task<string> RunAsync(CaseContext cx, CancellationToken ct) => service.RunDeferralsAsync(cx, options.RemindWorkingDays, ct);
}
