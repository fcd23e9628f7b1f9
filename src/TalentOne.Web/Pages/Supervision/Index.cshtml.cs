using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using TalentOne.Data;
using TalentOne.Registry.Accounts;
using TalentOne.Registry.Cases;
using TalentOne.Registry.Supervision;
using TalentOne.Web.Features.Cases;
using TalentOne.Web.Features.Supervision;

namespace TalentOne.Web.Pages.Supervision;

/// <summary>部门月度通报: a department's month (received, decided, on-time rate, average handling working days, cards,
/// overdue at month end, per item), with its .xlsx. A reviewer sees their own department; the talent office and auditors
/// choose among the departments of their scope, or see all of them side by side.</summary>
[Authorize(Policy = SupervisionApi.Policy)]
public sealed class IndexModel(CasesApi.Deps deps, SupervisionService supervision, TalentOneDb db) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Month { get; set; }
    [BindProperty(SupportsGet = true)] public string? Department { get; set; }

    public IReadOnlyList<SupervisedDepartment> Scope { get; private set; } = [];
    public bool CanChoose => !User.IsInRole(Roles.Reviewer);
    public MonthlyReport? Report { get; private set; }
    /// <summary>Without a chosen department (talent office, auditors): every department of the scope that had anything in the month.</summary>
    public IReadOnlyList<MonthlyReport> Overview { get; private set; } = [];
    public int QuietDepartments { get; private set; }
    public string MonthValue { get; private set; } = "";
    public string? Error { get; private set; }
    public ItemCatalog? Items { get; private set; }

    public string ItemName(string id) => Items?.ItemById.TryGetValue(id, out var i) == true ? i.Name : id;

    public string Link(string department) => $"/supervision?month={Uri.EscapeDataString(MonthValue)}&department={Uri.EscapeDataString(department)}";

    public string XlsxLink => $"/api/v1/supervision/monthly.xlsx?department={Uri.EscapeDataString(Report?.DepartmentId ?? "")}&month={Uri.EscapeDataString(MonthValue)}";

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var (cx, problem) = await deps.ContextAsync(ct);
        if (problem != null) { Error = "事项目录或工作日历暂不可用"; return Page(); }
        Items = cx!.Items;
        var (dept, scope, deptError, status) = await SupervisionApi.ResolveAsync(Department, User, db, ct);
        Scope = scope;
        if (!MonthlyReports.TryMonth(Month, cx.Today, out var from, out var monthError))
        {
            MonthValue = Month ?? "";
            Error = monthError;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        MonthValue = from.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        if (!cx.Calendar.Covers(from))
        {
            Error = $"{MonthValue} 不在工作日历的范围内（{cx.Calendar.First:yyyy-MM} 起）";
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        if (dept != null)
        {
            Report = (await supervision.MonthlyAsync([(dept.Id, dept.Name)], from, cx, ct))[0];
            return Page();
        }
        if (status == 404)
        {
            Error = SupervisionApi.OutOfScope;
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }
        if (!CanChoose) { Error = "您的账号没有所属部门，无法查看"; return Page(); }
        var all = await supervision.MonthlyAsync([.. scope.Select(d => (d.Id, d.Name))], from, cx, ct);
        Overview = [.. all.Where(r => r.Total.Received + r.Total.Decided + r.Total.YellowCards + r.Total.RedCards + r.Total.OpenOverdue > 0)];
        QuietDepartments = all.Count - Overview.Count;
        return Page();
    }
}
