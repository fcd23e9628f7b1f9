using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using TalentOne.Data.Roster;
using TalentOne.Registry.Roster;
using TalentOne.Web.Features.Catalog;
using TalentOne.Web.Features.Roster;
using TalentOne.Web.Infrastructure;

namespace TalentOne.Web.Pages.Staff;

/// <summary>名册导入: upload an .xlsx roster, read the report (row, column, message), then commit all rows, only the
/// valid rows, or discard. The same service as /api/v1/roster; forms carry antiforgery tokens.</summary>
[Authorize(Policy = RosterApi.ImportPolicy)]
// A little over the file limit, so that a file just too large gets the page's own message; anything far larger is cut off.
[RequestSizeLimit(RosterReader.MaxBytes + 1024 * 1024)]
[RequestFormLimits(MultipartBodyLengthLimit = RosterReader.MaxBytes + 1024 * 1024)]
public sealed class ImportModel(RosterImportService service, CatalogHolder holder, TimeProvider clock) : PageModel
{
    /// <summary>At most this many issues and rows are listed on the page; the .xlsx report has them all.</summary>
    public const int PageLimit = 500;

    public RosterReport? Report { get; private set; }
    public IReadOnlyList<RosterImport> Recent { get; private set; } = [];
    public List<string> Errors { get; } = [];
    public bool NoDepartment { get; private set; }

    public async Task<IActionResult> OnGetAsync(long? id, CancellationToken ct)
    {
        if (RosterApi.Actor(User) is not { } actor) { NoDepartment = true; return Page(); }
        if (id is long i)
        {
            var import = await service.FindAsync(i, actor, ct);
            if (import == null) return NotFound();
            Report = await service.ReportAsync(import, ct);
        }
        Recent = await service.ListAsync(actor, 20, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostUploadAsync(IFormFile? file, CancellationToken ct)
    {
        if (RosterApi.Actor(User) is not { } actor) { NoDepartment = true; return Page(); }
        if (holder.Current is not { } catalog) Errors.Add("政策目录暂未加载，暂时不能导入。");
        else if (file == null || file.Length == 0) Errors.Add("请选择要上传的名册文件（.xlsx）。");
        else if (file.Length > RosterReader.MaxBytes) Errors.Add($"文件过大：名册文件不能超过 {RosterReader.MaxBytes / 1024 / 1024} MB，请分批导入。");
        else
        {
            using var buffer = new MemoryStream((int)file.Length);
            await file.CopyToAsync(buffer, ct);
            try
            {
                var import = await service.UploadAsync(buffer.ToArray(), file.FileName, actor, catalog, holder.Root, clock.Today(), ct);
                return RedirectToPage(new { id = import.Id });
            }
            catch (RosterFileException fe) { Errors.AddRange(fe.Problems); }
            catch (RosterFormatException fe) { Errors.Add("名册列定义有误，请联系管理员：" + fe.Message); }
        }
        Recent = await service.ListAsync(actor, 20, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostCommitAsync(long id, string? mode, CancellationToken ct)
    {
        if (RosterApi.Actor(User) is not { } actor) { NoDepartment = true; return Page(); }
        if (holder.Current is not { } catalog) Errors.Add("政策目录暂未加载，暂时不能导入。");
        else
        {
            try
            {
                await service.CommitAsync(id, mode, actor, catalog, ct);
                return RedirectToPage(new { id });
            }
            catch (RosterException re) when (re.Status != 404) { Errors.Add(re.Message); }
            catch (RosterException) { return NotFound(); }
        }
        return await OnGetAsync(id, ct);
    }

    public async Task<IActionResult> OnPostDiscardAsync(long id, CancellationToken ct)
    {
        if (RosterApi.Actor(User) is not { } actor) { NoDepartment = true; return Page(); }
        try
        {
            await service.DiscardAsync(id, actor, ct);
            return RedirectToPage(new { id });
        }
        catch (RosterException re) when (re.Status != 404) { Errors.Add(re.Message); }
        catch (RosterException) { return NotFound(); }
        return await OnGetAsync(id, ct);
    }
}
