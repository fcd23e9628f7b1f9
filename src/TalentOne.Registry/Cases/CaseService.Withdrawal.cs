using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using TalentOne.Data.Cases;
using TalentOne.Registry.Records;

namespace TalentOne.Registry.Cases;

public sealed partial class CaseService
{
    /// <summary>The applicant withdraws a case (撤回): every task not yet decided is closed as withdrawn, decided ones keep
    /// their result. Nothing is deleted — the withdrawal is an event on the case, chained in the ledger. A department
    /// acting on one of its tasks at the same moment makes one of the two lose with a conflict.</summary>
    public async Task<CaseFile> WithdrawAsync(long subjectId, long caseId, string userId, string? reason, CaseContext cx, CancellationToken ct)
    {
        var file = await db.Set<CaseFile>().Include(c => c.Tasks).FirstOrDefaultAsync(c => c.Id == caseId && c.SubjectId == subjectId, ct)
            ?? throw new RegistryException("id", "案件不存在", 404);
        var text = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        if (text is { Length: > 500 }) throw new RegistryException("reason", "撤回原因不能超过 500 字");
        if (file.Status != CaseStatus.Open) throw new RegistryException("status", $"案件{CaseStatusText(file.Status)}，不能撤回", 409);
        var open = file.Tasks.Where(t => !CaseTaskStatus.IsClosed(t.Status)).OrderBy(t => t.Id).ToList();
        if (open.Count == 0) throw new RegistryException("status", "案件的事项都已办结，不能撤回", 409);
        var now = clock.GetUtcNow();
        foreach (var t in open)
        {
            t.Status = CaseTaskStatus.Withdrawn;
            t.Reason = text == null ? "申请人撤回" : "申请人撤回：" + text;
            t.DecidedAt = now;
            t.Version++;
        }
        file.Status = CaseStatusOf(file);
        file.Version++;
        Event(file.Id, null, "withdrawn", userId, now, new JsonObject
        {
            ["reason"] = text,
            ["tasks"] = new JsonArray(open.Select(t => (JsonNode)t.ItemId).ToArray()),
        });
        var decided = file.Tasks.Where(t => t.Status == CaseTaskStatus.Approved).Select(t => "《" + Name(cx, t.ItemId) + "》").ToList();
        Notify(subjectId, file.Id, "申请已撤回", $"您已撤回案件 {file.Id}：{string.Join("、", open.Select(t => "《" + Name(cx, t.ItemId) + "》"))}不再办理。"
            + (decided.Count > 0 ? $"已办结的{string.Join("、", decided)}结果仍然有效。" : ""), now);
        if (await TrySaveCaseAsync(subjectId, null, ct) != SaveOutcome.Saved)
            throw new RegistryException("status", "案件刚刚有部门办理，状态已变化，请刷新后再决定是否撤回", 409);
        return file;
    }
}
