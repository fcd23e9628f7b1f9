using Microsoft.AspNetCore.Mvc.RazorPages;
using TalentOne.Policies.Catalog;
using TalentOne.Web.Features.Catalog;

namespace TalentOne.Web.Pages.Catalog;

/// <summary>政策目录: every policy, grouped by its source document, filtered by city and applicant.</summary>
public sealed class IndexModel(CatalogHolder holder) : PageModel
{
    public PolicyCatalog? Catalog { get; private set; }
    public string? City { get; private set; }
    public string? Applicant { get; private set; }
    public IReadOnlyList<(PolicyDocument Document, IReadOnlyList<Policy> Policies)> Groups { get; private set; } = [];
    public IReadOnlyList<(string Code, string Label)> Cities { get; private set; } = [];

    public void OnGet(string? city, string? applicant)
    {
        Catalog = holder.Current;
        if (Catalog is not { } catalog) return;
        City = string.IsNullOrEmpty(city) ? null : city;
        Applicant = string.IsNullOrEmpty(applicant) ? null : applicant;
        var cityEnum = catalog.Schema.Enums.GetValueOrDefault("city");
        Cities = [("province", "浙江省（全省）"), .. (cityEnum?.Members.Where(m => m.Code != "outside_zhejiang").Select(m => (m.Code, m.Label)) ?? [])];
        Groups = catalog.Documents
            .Select(d => (d, (IReadOnlyList<Policy>)catalog.Policies.Where(p => p.Document == d
                && (City == null || PolicyText.Cities(catalog, p).Contains(City))
                && (Applicant == null || PolicyText.ApplicantCode(p.Applicant) == Applicant)).ToList()))
            .Where(g => g.Item2.Count > 0)
            .OrderBy(g => g.d.Jurisdiction == "province" ? 0 : 1).ThenBy(g => g.d.Number, StringComparer.Ordinal)
            .ToList();
    }
}
