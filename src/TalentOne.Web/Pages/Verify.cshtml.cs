using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using TalentOne.Registry.Accounts;
using TalentOne.Registry.Codes;
using TalentOne.Web.Features.Catalog;
using TalentOne.Web.Features.Codes;
using TalentOne.Web.Infrastructure;

namespace TalentOne.Web.Pages;

/// <summary>扫码核验: the page a code's QR image opens. Anonymous on purpose — a phone camera opens it without signing
/// in — but then it shows only a sign-in prompt: nothing about the holder, and the token is not even checked. A
/// signed-in service provider sees what its kind may see, or a clear refusal.</summary>
[AllowAnonymous]
public sealed class VerifyModel(CodeService codes, CatalogHolder holder, ServiceCatalogCache cache, TimeProvider clock) : PageModel
{
    public enum PageState { SignIn, NotProvider, Unavailable, UnknownProvider, Enter, Checked }

    public PageState State { get; private set; }
    public ScanResult? Result { get; private set; }
    public ServiceCatalog? Services { get; private set; }
    public DateTimeOffset CheckedAt { get; private set; }
    public string LoginUrl { get; private set; } = "/account/login";

    public async Task OnGetAsync(string? t, CancellationToken ct)
    {
        Response.Headers.CacheControl = "no-store";
        LoginUrl = "/account/login?ReturnUrl=" + Uri.EscapeDataString(Request.Path + Request.QueryString);
        if (User.Identity?.IsAuthenticated != true) { State = PageState.SignIn; return; }
        if (!User.IsInRole(Roles.Provider)) { State = PageState.NotProvider; return; }
        Services = CodesApi.Services(holder, cache);
        if (Services == null) { State = PageState.Unavailable; return; }
        if (CodesApi.ProviderOf(HttpContext, Services) is not { } provider) { State = PageState.UnknownProvider; return; }
        // Opened from the menu, or a link pasted by hand (a scanner app may give the whole address).
        var token = TokenFrom(t);
        if (token == null) { State = PageState.Enter; return; }
        CheckedAt = clock.GetUtcNow();
        Result = await codes.VerifyAsync(token, User.UserId(), provider, Services, ct);
        State = PageState.Checked;
    }

    /// <summary>The token itself, or the t parameter of a pasted verification address; null when nothing was given.</summary>
    public static string? TokenFrom(string? input)
    {
        var text = input?.Trim();
        if (string.IsNullOrEmpty(text)) return null;
        if (text.Contains("t=", StringComparison.Ordinal) && Uri.TryCreate(text, UriKind.Absolute, out var uri))
            return Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(uri.Query).TryGetValue("t", out var v) && v.ToString().Length > 0 ? v.ToString() : text;
        return text;
    }

    public static string China(DateTimeOffset t) => t.ToOffset(ChinaClock.Offset).ToString("yyyy年M月d日 HH:mm");
}
