using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using TalentOne.Registry.Accounts;
using TalentOne.Registry.Cases;
using TalentOne.Registry.Records;
using TalentOne.Web.Features.Cases;
using TalentOne.Web.Infrastructure;

namespace TalentOne.Web.Pages.Review.Tasks;

/// <summary>One task of the reviewer's department: the applicant, this item's fields and materials (files to open), the
/// clock and why the due date is where it is, the history, and the actions — claim, approve, reject, return for
/// supplement, and record the mailed result when the applicant chose delivery by post.</summary>
[Authorize(Policy = AccessPolicies.Reviewer)]
public sealed class DetailModel(CasesApi.Deps deps, TalentOne.Registry.Supervision.SupervisionService supervision) : PageModel
{
    public TaskDetailDto? Task { get; private set; }
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct) => await LoadAsync(id, ct) ? Page() : NotFound();

    public Task<IActionResult> OnPostClaimAsync(long id, CancellationToken ct) => ActAsync(id, TaskAction.Claim, null, ct);
    public Task<IActionResult> OnPostApproveAsync(long id, string? reason, CancellationToken ct) => ActAsync(id, TaskAction.Approve, reason, ct);
    public Task<IActionResult> OnPostRejectAsync(long id, string? reason, CancellationToken ct) => ActAsync(id, TaskAction.Reject, reason, ct);
    public Task<IActionResult> OnPostReturnAsync(long id, string? reason, CancellationToken ct) => ActAsync(id, TaskAction.Return, reason, ct);

    public Task<IActionResult> OnPostExtendAsync(long id, int? workingDays, string? reason, CancellationToken ct) =>
        RunAsync(id, async (actor, cx) =>
        {
            var task = await deps.Service.ExtendAsync(id, actor, workingDays, reason, cx, ct);
            return $"已延长办理期限，截止日为 {deps.Service.View(task, cx).Deadline?.Due?.ToString("yyyy-MM-dd") ?? "—"}，申请人已收到通知。";
        }, ct);

    public Task<IActionResult> OnPostMailAsync(long id, string? carrier, string? trackingNumber, CancellationToken ct) =>
        RunAsync(id, async (actor, cx) =>
        {
            await deps.Service.RecordMailingAsync(id, actor, carrier, trackingNumber, cx, ct);
            return "已登记寄送，申请人会收到运单号。";
        }, ct);

    private Task<IActionResult> ActAsync(long id, TaskAction action, string? reason, CancellationToken ct) =>
        RunAsync(id, async (actor, cx) =>
        {
            await deps.Service.ActAsync(id, actor, action, reason, cx, ct);
            return action switch
            {
                TaskAction.Claim => "已认领。", TaskAction.Approve => "已办结，申请人和后续部门已收到通知。",
                TaskAction.Reject => "已不予办理，申请人已收到理由。", _ => "已退回补正，暂停计时。",
            };
        }, ct);

    /// <summary>One action of the department on the task: done → back to the page with what happened; refused → the page
    /// with the reason in Chinese; not this department's task → 404.</summary>
    private async Task<IActionResult> RunAsync(long id, Func<CaseActor, CaseContext, Task<string>> action, CancellationToken ct)
    {
        var (cx, problem) = await deps.ContextAsync(ct);
        if (problem != null) { Error = "事项目录或工作日历暂不可用"; return await LoadAsync(id, ct) ? Page() : NotFound(); }
        try
        {
            TempData["Flash"] = await action(new CaseActor(User.UserId(), User.DepartmentId()), cx!);
            return RedirectToPage(new { id });
        }
        catch (RegistryException re) when (re.Status != 404)
        {
            Error = string.Join("；", re.Errors.Select(e => e.Message));
            return await LoadAsync(id, ct) ? Page() : NotFound();
        }
        catch (RegistryException) { return NotFound(); }
    }

    private async Task<bool> LoadAsync(long id, CancellationToken ct)
    {
        var (cx, problem) = await deps.ContextAsync(ct);
        if (problem != null) { Error ??= "事项目录或工作日历暂不可用"; return true; }
        Task = await CaseHandlingApi.DetailAsync(id, User.DepartmentId(), deps, supervision, cx!, ct);
        return Task != null;
    }

    public static string EventText(string kind) => kind switch
    {
        "submitted" => "提交申请", "queued" => "推送至本部门", "claimed" => "认领", "approved" => "办结", "rejected" => "不予办理",
        "returned" => "退回补正", "resubmitted" => "补正后重新提交", "cancelled" => "前置事项未通过，终止", "withdrawn" => "申请人撤回",
        "mailed" => "寄出办理结果", "extended" => "延长办理期限", "card" => "亮牌", "supplied" => "补交容缺材料", "reminded" => "提醒补交容缺材料",
        "terminated" => "未按承诺补交，终止", "lapsed" => "容缺承诺逾期", "credit_flagged" => "记入失信标记", "deferred" => "容缺受理", _ => kind,
    };

    public static string China(string iso) => DateTimeOffset.TryParse(iso, out var t)
        ? t.ToOffset(ChinaClock.Offset).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) : iso;
}
