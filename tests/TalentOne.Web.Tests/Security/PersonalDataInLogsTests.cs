using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TalentOne.Registry.Accounts;
using TalentOne.Web.Tests.Infrastructure;

namespace TalentOne.Web.Tests.Security;

/// <summary>Whatever the host logs — at every level, from every component — never contains a person's ID number,
/// mobile number or name, whether registration succeeds, fails, or is a duplicate.</summary>
public sealed class PersonalDataInLogsTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    private sealed class Capture : ILoggerProvider
    {
        public readonly ConcurrentQueue<string> Lines = new();
        public ILogger CreateLogger(string category) => new Logger(this, category);
        public void Dispose() { }

        private sealed class Logger(Capture owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel level) => true;
            public void Log<TState>(LogLevel level, EventId id, TState state, Exception? e, Func<TState, Exception?, string> format) =>
                owner.Lines.Enqueue($"{level} {category}: {format(state, e)} {e}");
        }
    }

    [Fact]
    public async Task Registration_sign_in_record_changes_and_refusals_leave_no_personal_data_in_the_logs()
    {
        var capture = new Capture();
        await using var host = app.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddLogging(l => l.AddProvider(capture).AddFilter<Capture>(null, LogLevel.Trace))));
        var id = TestAccounts.NewIdNumber(new DateOnly(1987, 11, 2));
        var mobile = TestAccounts.NewMobile();
        const string name = "欧阳明远";
        var userName = TestAccounts.UniqueName("logs");
        var client = host.CreateClient();
        var body = new JsonObject { ["name"] = name, ["idNumber"] = id, ["mobile"] = mobile, ["userName"] = userName, ["password"] = TestAccounts.Password };
        await (await client.PostJsonAsync("/api/v1/account/register/person", body)).ExpectAsync(HttpStatusCode.Created, "registering");
        await (await host.CreateClient().PostJsonAsync("/api/v1/account/register/person", body)).ExpectAsync(HttpStatusCode.Conflict, "registering twice");
        var bad = (JsonObject)body.DeepClone();
        bad["idNumber"] = id[..17] + (id[17] == '0' ? '1' : '0');
        bad["userName"] = TestAccounts.UniqueName("logs");
        await (await host.CreateClient().PostJsonAsync("/api/v1/account/register/person", bad)).ExpectAsync(HttpStatusCode.BadRequest, "registering with a bad check digit");
        await (await client.PatchAsync("/api/v1/me/record", new StringContent("""{"facts": {"education.level": "master", "work.city": "quzhou"}}""",
            System.Text.Encoding.UTF8, "application/json"))).ExpectAsync(HttpStatusCode.OK, "changing the record");
        var staff = await app.CreateStaffAsync(Roles.Window, "quzhou.hrss");
        var window = host.CreateClient();
        await (await window.PostJsonAsync("/api/v1/account/login", new JsonObject { ["userName"] = staff.UserName, ["password"] = TestAccounts.Password }))
            .ExpectAsync(HttpStatusCode.OK, "window staff signing in");
        await (await window.PostJsonAsync("/api/v1/subjects/search", new JsonObject { ["q"] = id })).ExpectAsync(HttpStatusCode.OK, "a window searching by the ID");
        await (await host.CreateClient().PostJsonAsync("/api/v1/account/login", new JsonObject { ["userName"] = userName, ["password"] = "Wrong-pass-123" }))
            .ExpectAsync(HttpStatusCode.Unauthorized, "a wrong password");

        var lines = capture.Lines.ToList();
        Assert.Contains(lines, l => l.StartsWith("Information Microsoft.AspNetCore.Hosting", StringComparison.Ordinal)); // every level really is captured
        foreach (var secret in new[] { id, id[..17], mobile, name })
        {
            var leak = lines.FirstOrDefault(l => l.Contains(secret, StringComparison.Ordinal));
            Assert.True(leak == null, $"a log line contains personal data: {leak}");
        }
    }
}
