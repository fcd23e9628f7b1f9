using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using TalentOne.Data.Cases;
using TalentOne.Registry.Records;
using TalentOne.Data.Certification;

namespace TalentOne.Registry.Cases;

/// <summary>A result sent by post: carrier and tracking number, recorded by the department that mailed it.</summary>
public sealed record Mailing(long TaskId, string Carrier, string TrackingNumber, DateTimeOffset At);

/// <summary>What a department reviewer sees of one of its tasks: the applicant (ID masked), the fields and materials of
/// this item only (not the whole application: each department sees what its item needs), the task's history, and the
/// delivery — the postal address only once the item is approved and the result is to be mailed.</summary>
public sealed record TaskDetail(TaskView Task, CaseFile Case, string ApplicantName, string ApplicantIdMasked,
    IReadOnlyList<(ItemField Field, JsonNode? Value)> Fields, IReadOnlyList<TaskMaterial> Materials, IReadOnlyList<CaseEvent> Events,
    CaseDelivery Delivery, IReadOnlyList<Mailing> Mailings);

/// <summary>A material of the item and what was handed in for it (rows in order: e.g. deferred, then supplied).</summary>
public sealed record TaskMaterial(ItemMaterial Material, IReadOnlyList<(CaseMaterial Row, FileMeta? File)> Given);

/// <summary>An evidence file without its bytes.</summary>
public sealed record FileMeta(long Id, string Name, long Size, string Sha256, string ContentType);

public sealed partial class CaseService
{
    private static readonly Regex TrackingNumber = new("^[A-Za-z0-9]{8,30}$", RegexOptions.CultureInvariant);

    /// <summary>The department records that it mailed an approved item's result (快递送达): carrier and tracking number.
    /// A second mailing (another parcel, or a corrected number) is a new record; nothing is overwritten.</summary>
    public async Task<Mailing> RecordMailingAsync(long taskId, CaseActor actor, string? carrier, string? tracking, CaseContext cx, CancellationToken ct)
    {
        var task = await db.Set<CaseTask>().AsNoTracking().FirstOrDefaultAsync(t => t.Id == taskId, ct);
        if (task == null || actor.DepartmentId == null || actor.DepartmentId != task.DepartmentId)
            throw new RegistryException("id", "事项不存在，或不属于本部门办理", 404);
        var c = carrier?.Trim() ?? "";
        var n = tracking?.Trim() ?? "";
        var errors = new List<TalentOne.Policies.Profiles.ProfileError>();
        if (c.Length == 0 || c.Length > 20) errors.Add(new("carrier", "请填写快递公司（不超过 20 字）"));
        if (!TrackingNumber.IsMatch(n)) errors.Add(new("trackingNumber", "快递单号应为 8—30 位字母或数字"));
        if (errors.Count > 0) throw new RegistryException(errors);
        var file = await db.Set<CaseFile>().FirstAsync(x => x.Id == task.CaseId, ct);
        if (task.Status != CaseTaskStatus.Approved) throw new RegistryException("status", $"该事项{StatusText(task.Status)}，办结后才能寄送结果", 409);
        var (_, delivery) = CaseApplication.Open(protector, file.FormJson);
        if (!delivery.ByPost) throw new RegistryException("status", $"申请人选择的送达方式是“{delivery.MethodText}”，无需邮寄", 409);
        var now = clock.GetUtcNow();
        var name = Name(cx, task.ItemId);
        Event(file.Id, task.Id, "mailed", actor.UserId, now, new JsonObject { ["carrier"] = c, ["trackingNumber"] = n });
        Notify(file.SubjectId, file.Id, $"《{name}》办理结果已寄出", $"您的《{name}》办理结果已由{Dept(cx, task.ItemId)}寄出（案件号 {file.Id}）：{c}，运单号 {n}。", now);
        file.Version++;
        if (await TrySaveCaseAsync(file.SubjectId, null, ct) != SaveOutcome.Saved)
            throw new RegistryException("status", "案件刚刚有变化，请刷新后重试", 409);
        return new Mailing(task.Id, c, n, now);
    }

    /// <summary>The mailings recorded for the given cases, from their "mailed" events.</summary>
    public async Task<List<Mailing>> MailingsAsync(IReadOnlyCollection<long> caseIds, CancellationToken ct)
    {
        var events = await db.Set<CaseEvent>().AsNoTracking().Where(e => caseIds.Contains(e.CaseId) && e.Kind == "mailed")
            .OrderBy(e => e.Id).ToListAsync(ct);
        return events.Select(ToMailing).ToList();
    }

    private static Mailing ToMailing(CaseEvent e)
    {
        var d = JsonNode.Parse(e.DetailJson)!;
        return new Mailing(e.TaskId ?? 0, d["carrier"]?.GetValue<string>() ?? "", d["trackingNumber"]?.GetValue<string>() ?? "", e.At);
    }

    /// <summary>How the applicant asked for the results of a case (decrypted from the stored application).</summary>
    public CaseDelivery DeliveryOf(CaseFile file) => CaseApplication.Open(protector, file.FormJson).Delivery;

    /// <summary>One task of the reviewer's department with what the department needs to decide it (null: none such, or
    /// another department's).</summary>
    public async Task<TaskDetail?> TaskDetailAsync(long taskId, string? departmentId, CaseContext cx, CancellationToken ct)
    {
        var task = await db.Set<CaseTask>().AsNoTracking().FirstOrDefaultAsync(t => t.Id == taskId, ct);
        if (task == null || departmentId == null || task.DepartmentId != departmentId) return null;
        var file = await db.Set<CaseFile>().AsNoTracking().FirstAsync(c => c.Id == task.CaseId, ct);
        var subject = await db.Subjects.AsNoTracking().Where(s => s.Id == file.SubjectId).Select(s => new { s.Name, s.IdentifierMasked }).FirstAsync(ct);
        var (values, delivery) = CaseApplication.Open(protector, file.FormJson);
        var item = cx.Items.ItemById.GetValueOrDefault(task.ItemId);
        var fields = (item?.Fields ?? []).Select(f => (f, values.TryGetPropertyValue(f.Id, out var v) ? v?.DeepClone() : null)).ToList();
        var ids = (item?.Materials ?? []).Select(m => m.Id).ToList();
        var rows = await db.Set<CaseMaterial>().AsNoTracking().Where(m => m.CaseId == file.Id && ids.Contains(m.MaterialId)).OrderBy(m => m.Id).ToListAsync(ct);
        var fileIds = rows.Where(r => r.EvidenceFileId != null).Select(r => r.EvidenceFileId!.Value).Distinct().ToList();
        var files = await db.Set<EvidenceFile>().AsNoTracking().Where(f => fileIds.Contains(f.Id))
            .Select(f => new FileMeta(f.Id, f.DisplayName, f.Size, f.Sha256, f.ContentType)).ToDictionaryAsync(f => f.Id, ct);
        var materials = (item?.Materials ?? []).Select(m => new TaskMaterial(m, rows.Where(r => r.MaterialId == m.Id)
            .Select(r => (r, r.EvidenceFileId is long id ? files.GetValueOrDefault(id) : null)).ToList())).ToList();
        var events = await db.Set<CaseEvent>().AsNoTracking().Where(e => e.CaseId == file.Id && (e.TaskId == task.Id || e.TaskId == null))
            .OrderBy(e => e.Id).ToListAsync(ct);
        var mailings = events.Where(e => e.Kind == "mailed").Select(ToMailing).ToList();
        // the address is needed only to mail an approved result
        var shown = delivery.ByPost && task.Status != CaseTaskStatus.Approved ? new CaseDelivery(CaseDelivery.Post) : delivery;
        return new TaskDetail(View(task, cx), file, subject.Name, subject.IdentifierMasked, fields, materials, events, shown, mailings);
    }

    /// <summary>A file handed in for the task's item, for its department's reviewer (null: not theirs, or not a material
    /// of this item).</summary>
    public async Task<EvidenceFile?> TaskMaterialFileAsync(long taskId, long caseMaterialId, string? departmentId, CaseContext cx, CancellationToken ct)
    {
        var task = await db.Set<CaseTask>().AsNoTracking().FirstOrDefaultAsync(t => t.Id == taskId, ct);
        if (task == null || departmentId == null || task.DepartmentId != departmentId) return null;
        var row = await db.Set<CaseMaterial>().AsNoTracking().FirstOrDefaultAsync(m => m.Id == caseMaterialId && m.CaseId == task.CaseId, ct);
        if (row?.EvidenceFileId is not long fileId) return null;
        if (cx.Items.ItemById.GetValueOrDefault(task.ItemId) is not { } item || item.Materials.All(m => m.Id != row.MaterialId)) return null;
        return await db.Set<EvidenceFile>().AsNoTracking().FirstOrDefaultAsync(f => f.Id == fileId, ct);
    }
}
