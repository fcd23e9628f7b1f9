using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using TalentOne.Data.Cases;
using TalentOne.Registry.Calendar;
using TalentOne.Registry.Records;

namespace TalentOne.Registry.Cases;

public sealed partial class CaseService
{
    /// <summary>Extends a task's limit (延长办理期限) by some working days, with the reason the applicant is told. In all, a
    /// task may be extended by at most its own legal limit (《行政许可法》第四十二条: twenty days, extended by ten with the
    /// head of the organ's approval — never more than the limit itself). The extension lengthens the step in which it is
    /// granted; the due date and the record say why it moved.</summary>
    public Task<CaseTask> ExtendAsync(long taskId, CaseActor actor, int? workingDays, string? reason, CaseContext cx, CancellationToken ct) =>
        ExtendAsync(taskId, actor, workingDays, reason, cx, 0, ct);

    private async Task<CaseTask> ExtendAsync(long taskId, CaseActor actor, int? workingDays, string? reason, CaseContext cx, int attempt, CancellationToken ct)
    {
        var task = await db.Set<CaseTask>().FirstOrDefaultAsync(t => t.Id == taskId, ct);
        if (task == null || actor.DepartmentId == null || actor.DepartmentId != task.DepartmentId)
            throw new RegistryException("id", "事项不存在，或不属于本部门办理", 404);
        var file = await db.Set<CaseFile>().Include(c => c.Tasks).FirstAsync(c => c.Id == task.CaseId, ct);
        task = file.Tasks.First(t => t.Id == taskId);
        if (task.Status is not (CaseTaskStatus.Queued or CaseTaskStatus.Claimed or CaseTaskStatus.Supplement))
            throw new RegistryException("status", $"该事项{StatusText(task.Status)}，不能延长办理期限", 409);
        var text = reason?.Trim() ?? "";
        var list = Extensions(task);
        var left = task.LimitWorkingDays - list.Sum(e => e.WorkingDays);
        var errors = new List<TalentOne.Policies.Profiles.ProfileError>();
        if (text.Length == 0 || text.Length > 500) errors.Add(new("reason", "延长办理期限须写明理由（不超过 500 字，申请人将看到）"));
        if (workingDays is not int n || n < 1) errors.Add(new("workingDays", "延长的工作日数应为正整数"));
        else if (n > left)
            errors.Add(new("workingDays", left <= 0 ? $"已延长 {task.LimitWorkingDays} 个工作日，不能再延长（累计不超过法定时限 {task.LimitWorkingDays} 个工作日）"
                : $"最多还能延长 {left} 个工作日（累计不超过法定时限 {task.LimitWorkingDays} 个工作日）"));
        if (errors.Count > 0) throw new RegistryException(errors);
        var before = View(task, cx).Deadline?.Due;
        list.Add(new Extension(workingDays!.Value, text, cx.Today));
        task.ExtensionsJson = ExtensionsText(list);
        var after = View(task, cx).Deadline;
        var now = clock.GetUtcNow();
        var name = Name(cx, task.ItemId);
        Event(file.Id, task.Id, "extended", actor.UserId, now, new JsonObject
        {
            ["workingDays"] = workingDays.Value, ["reason"] = text,
            ["dueBefore"] = before is { } b ? D(b) : null, ["due"] = after?.Due is { } a ? D(a) : null,
        });
        Notify(file.SubjectId, file.Id, $"《{name}》办理期限延长", $"{Dept(cx, task.ItemId)}将您的《{name}》办理期限延长 {workingDays} 个工作日（案件号 {file.Id}）：{text}。"
            + (after?.Due is { } due ? $"应于 {D(due)} 前办结。" : ""), now);
        var loaded = task.Version;
        task.Version++;
        file.Version++;
        return await TrySaveAsync(file.SubjectId, taskId, loaded, attempt, ct) ? task : await ExtendAsync(taskId, actor, workingDays, reason, cx, attempt + 1, ct);
    }
}
