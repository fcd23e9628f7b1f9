using System.Net;
using System.Text;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using TalentOne.Registry.Accounts;
using TalentOne.Web.Tests.Infrastructure;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace TalentOne.Web.Tests.Security;

/// <summary>Role × endpoint: every API endpoint and every page of the running host is listed here with the roles that
/// may use it, and each role (and an anonymous caller) is tried on each. A role that may not use an endpoint gets 401
/// (not signed in) or 403 — for pages a redirect to the sign-in or "no access" page; a role that may use it never does.
/// An endpoint missing from the table fails the test, so that a new endpoint cannot ship without a decision.</summary>
public sealed class RoleMatrixTests(SqliteApp app, ITestOutputHelper output) : IClassFixture<SqliteApp>
{
    private const string Anonymous = "anonymous";
    private static readonly string[] Everyone = [Anonymous, .. Roles.All];
    private static readonly string[] SignedIn = [.. Roles.All];
    private static readonly string[] Holders = [Roles.Talent, Roles.Enterprise];
    private static readonly string[] Staff = [Roles.Window, Roles.Reviewer, Roles.Admin];
    private static readonly string[] StaffOrOversight = [Roles.Window, Roles.Reviewer, Roles.Admin, Roles.Auditor];
    private static readonly string[] Oversight = [Roles.Admin, Roles.Auditor];
    private static readonly string[] Admin = [Roles.Admin];
    private static readonly string[] RosterImporters = [Roles.Window, Roles.Admin];

    /// <summary>"METHOD /route" (the route template as registered) → who may use it.</summary>
    private static readonly Dictionary<string, string[]> Matrix = new(StringComparer.Ordinal)
    {
        // policy engine (public: anyone may look up policies and compute a package)
        ["GET /api/v1/catalog"] = Everyone,
        ["POST /api/v1/catalog/reload"] = Admin,
        ["GET /api/v1/policies"] = Everyone,
        ["GET /api/v1/policies/{id}"] = Everyone,
        ["GET /api/v1/schema/profile"] = Everyone,
        ["POST /api/v1/eligibility"] = Everyone,
        ["GET /api/v1/parameters/"] = Everyone,
        ["GET /api/v1/parameters/{name}"] = Everyone,
        ["POST /api/v1/parameters/{name}/values"] = Admin,
        // accounts
        ["POST /api/v1/account/login"] = Everyone,
        ["POST /api/v1/account/logout"] = SignedIn,
        ["GET /api/v1/account/me"] = SignedIn,
        ["POST /api/v1/account/register/person"] = Everyone,
        ["POST /api/v1/account/register/enterprise"] = Everyone,
        ["POST /api/v1/account/2fa/setup"] = SignedIn,
        ["POST /api/v1/account/2fa/enable"] = SignedIn,
        ["POST /api/v1/account/2fa/disable"] = SignedIn,
        ["GET /api/v1/departments"] = Everyone,
        ["GET /api/v1/admin/accounts/"] = Admin,
        ["POST /api/v1/admin/accounts/"] = Admin,
        ["POST /api/v1/admin/accounts/{id}/unlock"] = Admin,
        ["POST /api/v1/admin/accounts/{id}/disable"] = Admin,
        ["POST /api/v1/enterprise/users"] = [Roles.Enterprise],
        // records
        ["GET /api/v1/me/record"] = Holders,
        ["PATCH /api/v1/me/record"] = Holders,
        ["GET /api/v1/me/record/history"] = Holders,
        ["GET /api/v1/me/package"] = Holders,
        ["POST /api/v1/subjects/search"] = StaffOrOversight,
        ["GET /api/v1/subjects/{id:long}"] = StaffOrOversight,
        ["GET /api/v1/subjects/{id:long}/history"] = StaffOrOversight,
        ["GET /api/v1/subjects/{id:long}/package"] = StaffOrOversight,
        ["POST /api/v1/subjects/{id:long}/facts"] = Staff,
        ["POST /api/v1/subjects/persons"] = Staff,
        // certification (认定): holders apply, reviewers of a department decide, oversight reads; an application or a file
        // outside the caller's scope is a 404, not a 403 (its existence is not revealed)
        ["GET /api/v1/certification/routes"] = Holders,
        ["POST /api/v1/certification/applications"] = Holders,
        ["GET /api/v1/certification/applications"] = Holders,
        ["GET /api/v1/certification/applications/{id:long}"] = SignedIn,
        ["POST /api/v1/certification/applications/{id:long}/withdraw"] = Holders,
        ["GET /api/v1/certification/queue"] = [Roles.Reviewer, .. Oversight],
        ["POST /api/v1/certification/applications/{id:long}/decision"] = [Roles.Reviewer],
        ["GET /api/v1/certification/evidence/{id:long}"] = SignedIn,
        // roster import and package export (docs/roster-import.md)
        ["GET /api/v1/roster/template.xlsx"] = RosterImporters,
        ["GET /api/v1/roster/imports"] = RosterImporters,
        ["POST /api/v1/roster/imports"] = RosterImporters,
        ["GET /api/v1/roster/imports/{id:long}"] = RosterImporters,
        ["GET /api/v1/roster/imports/{id:long}/report.xlsx"] = RosterImporters,
        ["POST /api/v1/roster/imports/{id:long}/commit"] = RosterImporters,
        ["POST /api/v1/roster/imports/{id:long}/discard"] = RosterImporters,
        ["GET /api/v1/me/package.xlsx"] = Holders,
        ["GET /api/v1/subjects/{id:long}/package.xlsx"] = StaffOrOversight,
        // talent and enterprise codes
        ["GET /api/v1/me/code.png"] = Holders,
        ["GET /api/v1/me/code.svg"] = Holders,
        ["POST /api/v1/me/code/"] = Holders,
        ["GET /api/v1/me/code/"] = Holders,
        ["POST /api/v1/me/code/revoke"] = Holders,
        ["GET /api/v1/me/code/scans"] = Holders,
        ["POST /api/v1/codes/verify"] = [Roles.Provider],
        ["POST /api/v1/admin/codes/{codeId}/revoke"] = Admin,
        ["GET /api/v1/subjects/{id:long}/codes"] = Oversight,
        // proactive eligibility (主动送达)
        ["POST /api/v1/sweeps/"] = Admin,
        ["GET /api/v1/sweeps/"] = Oversight,
        ["GET /api/v1/sweeps/{id:long}"] = Oversight,
        ["GET /api/v1/sweeps/{id:long}/export.xlsx"] = Oversight,
        ["GET /api/v1/me/messages/"] = Holders,
        ["POST /api/v1/me/messages/{id:long}/read"] = Holders,
        // working-day calendar (docs/calendar.md): anyone reads it and computes deadlines; administrators correct days
        ["GET /api/v1/calendar/{year:int}"] = Everyone,
        ["POST /api/v1/calendar/overrides"] = Admin,
        ["POST /api/v1/calendar/deadline"] = Everyone,
        // service items and bundles (一件事): public reference data, and planning a choice (a holder's own record prefills it)
        ["GET /api/v1/items"] = Everyone,
        ["GET /api/v1/items/{id}"] = Everyone,
        ["GET /api/v1/bundles"] = Everyone,
        ["GET /api/v1/bundles/{id}"] = Everyone,
        ["POST /api/v1/bundles/{id}/plan"] = Everyone,
        // cases (一件事办件): holders apply once and follow their cases; reviewers work their own department's tasks
        ["POST /api/v1/cases"] = Holders,
        ["GET /api/v1/me/cases"] = Holders,
        ["GET /api/v1/me/cases/{id:long}"] = Holders,
        ["POST /api/v1/me/cases/{id:long}/tasks/{taskId:long}/resubmit"] = Holders,
        ["POST /api/v1/me/materials"] = Holders,
        ["GET /api/v1/me/materials"] = Holders,
        ["GET /api/v1/tasks"] = [Roles.Reviewer],
        ["POST /api/v1/tasks/{id:long}/claim"] = [Roles.Reviewer],
        ["POST /api/v1/tasks/{id:long}/approve"] = [Roles.Reviewer],
        ["POST /api/v1/tasks/{id:long}/reject"] = [Roles.Reviewer],
        ["POST /api/v1/tasks/{id:long}/return"] = [Roles.Reviewer],
        ["POST /api/v1/cases/daily"] = [Roles.Admin],
        ["GET /api/v1/tasks/{id:long}"] = [Roles.Reviewer],
        ["GET /api/v1/tasks/{id:long}/materials/{materialId:long}"] = [Roles.Reviewer],
        ["POST /api/v1/tasks/{id:long}/mail"] = [Roles.Reviewer],
        ["POST /api/v1/tasks/{id:long}/extend"] = [Roles.Reviewer],
        ["POST /api/v1/me/cases/{id:long}/withdraw"] = Holders,
        // 容缺受理 and bad-credit flags: the talent office sets and clears flags (auditors read), a holder sees its own flag
        // and supplies its deferred materials, a reviewer defers a material of its own department's task
        ["GET /api/v1/records/{id:long}/credit"] = Oversight,
        ["POST /api/v1/records/{id:long}/credit"] = Admin,
        ["GET /api/v1/me/credit"] = Holders,
        ["GET /api/v1/me/deferrals"] = Holders,
        ["POST /api/v1/me/cases/{id:long}/materials/{materialId}"] = Holders,
        ["POST /api/v1/tasks/{id:long}/defer"] = [Roles.Reviewer],
        ["GET /review/tasks/{id:long}/defer"] = [Roles.Reviewer],
        ["GET /staff/records/{id:long}/credit"] = Admin,
        ["GET /admin/credit"] = Admin,
        // 电子监察 (docs/supervision.md): a reviewer's queue alert; cards and monthly reports of a department — a reviewer's
        // own, the talent office's and auditors' within their city (another department is "not found")
        ["GET /api/v1/tasks/alert"] = [Roles.Reviewer],
        ["GET /api/v1/supervision/cards"] = Oversight,
        ["GET /api/v1/supervision/monthly"] = [Roles.Reviewer, .. Oversight],
        ["GET /api/v1/supervision/monthly.xlsx"] = [Roles.Reviewer, .. Oversight],
        ["GET /bundles"] = Everyone,
        ["GET /bundles/{id}"] = Everyone,
        // tamper-evident ledger (上链): a holder may ask for a proof (of its own record only; others are "not found")
        ["GET /api/v1/ledger/status"] = Oversight,
        ["GET /api/v1/ledger/verify"] = Oversight,
        ["GET /api/v1/ledger/proof"] = [.. Oversight, .. Holders],
        // pages
        ["GET /calendar"] = Everyone,
        ["GET /admin/calendar"] = Admin,
        ["GET /admin/sweeps"] = Oversight,
        ["GET /admin/sweeps/{id:long}"] = Oversight,
        ["GET /me/messages"] = Holders,
        ["GET /me/users"] = [Roles.Enterprise],
        ["GET /"] = Everyone,
        ["GET /error"] = Everyone,
        ["GET /navigator"] = Everyone,
        ["GET /catalog"] = Everyone,
        ["GET /catalog/{id}"] = Everyone,
        ["GET /parameters"] = Everyone,
        ["GET /parameters/{name}"] = Everyone,
        ["GET /account/login"] = Everyone,
        ["GET /account/login-2fa"] = Everyone,
        ["GET /account/logout"] = Everyone,
        ["GET /account/register"] = Everyone,
        ["GET /account/register-enterprise"] = Everyone,
        ["GET /account/denied"] = Everyone,
        ["GET /account/security"] = SignedIn,
        ["GET /me"] = Holders,
        ["GET /me/edit"] = Holders,
        ["GET /me/history"] = Holders,
        ["GET /me/certification"] = Holders,
        ["GET /me/cases"] = Holders,
        ["GET /review/tasks"] = [Roles.Reviewer],
        ["GET /review/tasks/{id:long}"] = [Roles.Reviewer],
        ["GET /supervision"] = [Roles.Reviewer, .. Oversight],
        ["GET /supervision/cards"] = Oversight,
        ["GET /review/certifications"] = [Roles.Reviewer, .. Oversight],
        ["GET /review/certifications/{id:long}"] = [Roles.Reviewer, .. Oversight],
        ["GET /me/code"] = Holders,
        // the scanning page: anonymous on purpose, it then shows only a sign-in prompt
        ["GET /verify"] = Everyone,
        ["GET /staff"] = StaffOrOversight,
        ["GET /staff/records/{id:long}"] = StaffOrOversight,
        ["GET /staff/register"] = Staff,
        ["GET /staff/import"] = RosterImporters,
        ["GET /admin"] = Oversight,
        ["GET /admin/accounts"] = Admin,
    };

    /// <summary>Endpoints that are infrastructure rather than features (API description and its viewer).</summary>
    private static bool IsInfrastructure(string route) =>
        route.StartsWith("/openapi", StringComparison.Ordinal) || route.StartsWith("/scalar", StringComparison.Ordinal);

    [Fact]
    public async Task Every_role_reaches_exactly_the_endpoints_and_pages_it_should()
    {
        var endpoints = Discover();
        var missing = endpoints.Where(e => !Matrix.ContainsKey(e)).ToList();
        var stale = Matrix.Keys.Where(k => !endpoints.Contains(k)).ToList();
        if (missing.Count > 0 || stale.Count > 0)
            throw new XunitException($"The role matrix is out of date.\nEndpoints without a decision:\n  {string.Join("\n  ", missing)}\nEntries for endpoints that do not exist:\n  {string.Join("\n  ", stale)}");

        var failures = new List<string>();
        var checks = 0;
        foreach (var role in Everyone)
        {
            var client = await ClientAsync(role);
            // Sign-out last: it ends the session the other requests use.
            foreach (var key in Matrix.Keys.OrderBy(k => k.Contains("logout", StringComparison.Ordinal)))
            {
                var allowed = Matrix[key].Contains(role);
                var (method, route) = (key[..key.IndexOf(' ')], key[(key.IndexOf(' ') + 1)..]);
                using var response = await client.SendAsync(Request(method, route));
                checks++;
                var verdict = await VerdictAsync(route, response);
                if (allowed && verdict != null) failures.Add($"{role} should reach {key} but got {verdict}");
                if (!allowed && verdict == null) failures.Add($"{role} should NOT reach {key} but got {(int)response.StatusCode}");
                if (!allowed && role == Anonymous && verdict is not null && !verdict.StartsWith("sign-in", StringComparison.Ordinal))
                    failures.Add($"anonymous on {key} should be asked to sign in but got {verdict}");
            }
        }
        output.WriteLine($"{checks} role × endpoint checks over {Matrix.Count} endpoints and {Everyone.Length} roles");
        if (failures.Count > 0) throw new XunitException(string.Join("\n", failures));
    }

    /// <summary>null when the request got through; otherwise how authorization refused it. Only the refusals of the
    /// authorization layer count: its problem titles on the API (a wrong password is also a 401, but says so), and its
    /// redirects to the sign-in or no-access page carrying the ReturnUrl for pages.</summary>
    private static async Task<string?> VerdictAsync(string route, HttpResponseMessage r)
    {
        var location = r.Headers.Location?.OriginalString ?? "";
        if (route.StartsWith("/api/", StringComparison.Ordinal))
        {
            if (r.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)) return null;
            var body = await r.Content.ReadAsStringAsync();
            if (body.Contains("需要登录", StringComparison.Ordinal)) return "sign-in (401)";
            if (body.Contains("无权访问", StringComparison.Ordinal)) return "forbidden (403)";
            return null;
        }
        if (r.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found && location.Contains("ReturnUrl=", StringComparison.Ordinal))
        {
            if (location.Contains("/account/login", StringComparison.Ordinal)) return "sign-in (redirect)";
            if (location.Contains("/account/denied", StringComparison.Ordinal)) return "forbidden (redirect)";
        }
        return null;
    }

    private static HttpRequestMessage Request(string method, string route)
    {
        var path = System.Text.RegularExpressions.Regex.Replace(route, @"\{(\w+)(:long|:int)?\}", m => m.Groups[2].Success ? "1" : "x");
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST" or "PUT" or "PATCH") request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        return request;
    }

    private HashSet<string> Discover()
    {
        var sources = app.Services.GetRequiredService<IEnumerable<EndpointDataSource>>();
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in sources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>())
        {
            var route = "/" + (e.RoutePattern.RawText ?? "").TrimStart('/');
            if (IsInfrastructure(route) || route.StartsWith("/_", StringComparison.Ordinal) || route.Contains("{**", StringComparison.Ordinal)) continue;
            // Static files (css, js and their compressed copies) are public by nature; API routes are never static.
            if (!route.StartsWith("/api/", StringComparison.Ordinal) && System.Text.RegularExpressions.Regex.IsMatch(route, @"\.(css|js|gz|br|png|svg|ico|map)$")) continue;
            if (route == "/Index") continue; // the home page's second name
            if (e.Metadata.GetMetadata<Microsoft.AspNetCore.Mvc.Abstractions.ActionDescriptor>() is Microsoft.AspNetCore.Mvc.RazorPages.PageActionDescriptor)
            {
                found.Add("GET " + route); // pages are read with GET; their forms post back with antiforgery tokens
                continue;
            }
            var methods = e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            foreach (var m in methods) found.Add($"{m} {route}");
        }
        return found;
    }

    private async Task<HttpClient> ClientAsync(string role)
    {
        var options = new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true };
        var client = app.CreateClient(options);
        if (role == Anonymous) return client;
        string userName;
        if (role == Roles.Talent) userName = (await app.RegisteredTalentAsync()).UserName;
        else if (role == Roles.Enterprise) userName = (await app.RegisteredEnterpriseAsync()).UserName;
        else userName = (await app.CreateStaffAsync(role)).UserName!;
        using var login = await client.PostJsonAsync("/api/v1/account/login",
            new System.Text.Json.Nodes.JsonObject { ["userName"] = userName, ["password"] = TestAccounts.Password });
        await login.ExpectAsync(HttpStatusCode.OK, $"signing in as {role}");
        return client;
    }
}
