using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using TalentOne.Data.Certification;
using TalentOne.Registry.Certification;
using TalentOne.Web.Features.Catalog;
using TalentOne.Web.Features.Certification;
using TalentOne.Web.Infrastructure;

namespace TalentOne.Web.Pages.Review.Certifications;

/// <summary>认定审核 queue: a reviewer sees its own department's applications (oversight sees every department's).</summary>
[Authorize(Policy = CertificationApi.Readers)]
public sealed class IndexModel(CatalogHolder holder, CertificationRoutes routes, CertificationService service, CertificationViews views) : PageModel
{
    public List<QueueItemDto> Items { get; private set; } = [];
    [BindProperty(SupportsGet = true)] public string? Status { get; set; }
    public string? StatusError { get; private set; }
    public string? Department { get; private set; }

    public static readonly IReadOnlyList<(string Code, string Label)> Filters =
        [("submitted", "待审核"), ("approved", "已认定"), ("rejected", "已驳回"), ("withdrawn", "已撤回"), ("expired", "已过有效期"), ("all", "全部")];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!CertificationApi.TryStatus(Status, out var status))
        {
            StatusError = "未知的状态筛选";
            status = CertificationStatus.Submitted;
        }
        Status = string.IsNullOrEmpty(Status) || StatusError != null ? "submitted" : Status.ToLowerInvariant();
        var viewer = CertificationApi.Viewer(User);
        if (viewer.DepartmentId is { } d && !viewer.IsOversight)
            Department = (await views.DepartmentsAsync(ct)).GetValueOrDefault(d, d);
        var (_, certification, _) = CertificationApi.Load(holder, routes);
        Items = await views.QueueAsync(service.Visible(viewer), status, certification, ct);
        return Page();
    }
}
