using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using TalentOne.Data.Registry;
using TalentOne.Policies.Catalog;
using TalentOne.Registry.Accounts;
using TalentOne.Registry.Records;
using TalentOne.Web.Features.Catalog;
using TalentOne.Web.Infrastructure;

namespace TalentOne.Web.Pages.Me;

/// <summary>完善档案: every change is validated against the schema and recorded as self-declared, old → new.</summary>
[Authorize(Policy = AccessPolicies.Holder)]
public sealed class EditModel(MyRecordLoader loader, RegistryService registry, CatalogHolder holder) : PageModel
{
    public ProfileForm Form { get; } = new();
    public IReadOnlyList<FormSection> Sections { get; private set; } = [];
    public PolicyCatalog? Catalog => holder.Current;
    [BindProperty] public int Version { get; set; }
    public List<string> OtherErrors { get; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var loaded = await loader.LoadAsync(User.SubjectId(), holder.Current, ct);
        if (loaded == null || holder.Current is not { } catalog) return NotFound();
        Sections = RecordForm.Sections(catalog, loaded.Value.Subject.Kind);
        Form.Fill(JsonNode.Parse(loaded.Value.Subject.ProfileJson)!.AsObject());
        Version = loaded.Value.Subject.Version;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var loaded = await loader.LoadAsync(User.SubjectId(), holder.Current, ct);
        if (loaded == null || holder.Current is not { } catalog) return NotFound();
        var subject = loaded.Value.Subject;
        Sections = RecordForm.Sections(catalog, subject.Kind);
        Form.Read(await Request.ReadFormAsync(ct), catalog.Schema);
        var typed = Form.Facts(catalog.Schema, Sections.SelectMany(s => s.Fields));
        if (Form.Errors.Count > 0) return Page();

        // Only what differs from the record is a change: an empty field clears a fact only if it had a value.
        var current = JsonNode.Parse(subject.ProfileJson)!.AsObject();
        var changes = typed.Where(kv => !JsonNode.DeepEquals(Get(current, kv.Key), kv.Value)
                && !(kv.Value is JsonArray { Count: 0 } && Get(current, kv.Key) == null))
            .ToDictionary(kv => kv.Key, kv => kv.Value);
        if (changes.Count == 0)
        {
            TempData["Flash"] = "档案没有变化。";
            return LocalRedirect("/me");
        }
        try
        {
            await registry.ChangeFactsAsync(subject.Id, changes, Provenance.Declared(User.UserId()), catalog, Version, ct);
        }
        catch (RegistryException re)
        {
            foreach (var e in re.Errors)
                if (Sections.SelectMany(s => s.Fields).Any(f => f.Path == e.Field)) Form.AddError(e.Field, e.Message);
                else OtherErrors.Add(e.Message);
            return Page();
        }
        TempData["Flash"] = $"已保存 {changes.Count} 项修改，政策结果已按新档案重新计算。";
        return LocalRedirect("/me#package");
    }

    private static JsonNode? Get(JsonObject profile, string path)
    {
        var dot = path.IndexOf('.');
        return (profile[path[..dot]] as JsonObject)?[path[(dot + 1)..]];
    }
}
