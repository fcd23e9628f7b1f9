using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MiniExcelLibs;
using TalentOne.Data;
using TalentOne.Data.Sweeps;
using TalentOne.Policies.Catalog;
using TalentOne.Registry.Accounts;
using TalentOne.Registry.Notices;
using TalentOne.Registry.Records;
using TalentOne.Registry.Sweeps;
using TalentOne.Web.Tests.Infrastructure;
using Xunit.Sdk;

namespace TalentOne.Web.Tests.Sweeps;

/// <summary>成熟激活 / 主动送达 through the real host, on SQLite and on PostgreSQL (derived classes). People register
/// through the API and declare the profiles of the test cases written in catalog/policies/quzhou-2020-7.yaml; the
/// expected outcomes come from those cases. The sweep and the dispatcher are called directly with a clock of the test's.</summary>
public abstract class SweepScenarios
{
    private const string Tier7 = "quzhou.allowance.tier7";

    protected abstract TalentOneApp App { get; }

    private string SmsLog => ((ISweepApp)App).SmsLog;

    // ───────────── the catalog's own cases ─────────────

    /// <summary>A full-time PhD working in Quzhou, eligible for the tier-7 allowance (yearly).</summary>
    private (Policy Policy, PolicyTest Test) EligibleCase()
    {
        var policy = App.Catalog.ById[Tier7];
        var test = policy.Tests.FirstOrDefault(t => t.Expect == "eligible" && t.Amount != null
            && JsonNode.Parse(t.ProfileJson)!["education"]?["level"]?.GetValue<string>() == "doctorate"
            && JsonNode.Parse(t.ProfileJson)!["person"]?["title"]?.GetValue<string>() != "senior");
        return (policy, test ?? throw new XunitException($"{Tier7} has no eligible case for a PhD in {TestCatalog.QuzhouFile}"));
    }

    /// <summary>A person policy the catalog says is nearly eligible on its test date, eligible on a known later date
    /// once time passes (not merely because the document is not yet in force).</summary>
    private (Policy Policy, PolicyTest Test) NearlyCase()
    {
        var found = App.Catalog.Policies
            .Where(p => p.Document.Id == "quzhou-2020-7" && p.Applicant == Applicant.Person)
            .SelectMany(p => p.Tests.Select(t => (Policy: p, Test: t)))
            .FirstOrDefault(x => x.Test.Expect == "nearly" && x.Test.EligibleOn != null && (x.Policy.ValidFrom == null || x.Policy.ValidFrom <= x.Test.Date));
        return found.Policy != null ? found : throw new XunitException($"{TestCatalog.QuzhouFile} has no person case nearly eligible with eligible_on after the policy is in force");
    }

    // ───────────── helpers ─────────────

    /// <summary>Registers a talent through the API (born on the profile's birth date) and declares the rest of the profile.</summary>
    private async Task<TestAccounts.Registered> TalentWithProfileAsync(string profileJson, params (string Fact, JsonNode? Value)[] with)
    {
        var profile = JsonNode.Parse(profileJson)!.AsObject();
        var birth = DateOnly.ParseExact(profile["person"]!["birthDate"]!.GetValue<string>(), "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var talent = await App.RegisteredTalentAsync(birth, "李四");
        var facts = new JsonObject();
        foreach (var (section, fields) in profile)
        {
            if (fields is not JsonObject o) continue;
            foreach (var (field, value) in o)
            {
                var path = section + "." + field;
                if (path is "subject.kind" or "person.birthDate") continue;
                facts[path] = value?.DeepClone();
            }
        }
        foreach (var (fact, value) in with) facts[fact] = value;
        await DeclareAsync(talent, facts);
        return talent;
    }

    private static async Task DeclareAsync(TestAccounts.Registered talent, JsonObject facts)
    {
        var body = new JsonObject { ["facts"] = facts }.ToJsonString();
        var response = await talent.Client.PatchAsync("/api/v1/me/record", new StringContent(body, Encoding.UTF8, "application/json"));
        await response.ExpectAsync(HttpStatusCode.OK, "declaring the profile");
    }

    private async Task<SweepRun> SweepAsync(DateOnly date, TimeProvider? clock = null, SweepRunOptions? options = null, PolicyCatalog? catalog = null)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var runner = new SweepRunner(sp.GetRequiredService<TalentOneDb>(), sp.GetRequiredService<DatabaseSettings>(),
            clock ?? new ManualClock(ManualClock.China(date)), sp.GetServices<TalentOne.Registry.Sweeps.IBeforeSweep>());
        return await runner.RunAsync(catalog ?? App.Catalog, date, options ?? new SweepRunOptions { BatchSize = 7 });
    }

    private async Task<DispatchResult> DispatchAsync(DateTimeOffset now, INoticeSender? sms = null, OutboxOptions? options = null)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var db = sp.GetRequiredService<TalentOneDb>();
        var dispatcher = new OutboxDispatcher(db, [sms ?? new LogFileSmsSender(SmsLog), new InAppSender(db)],
            options ?? new OutboxOptions(), sp.GetRequiredService<PersonalDataProtector>());
        return await dispatcher.DispatchDueAsync(now);
    }

    private async Task<T> QueryAsync<T>(Func<TalentOneDb, Task<T>> query)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<TalentOneDb>());
    }

    private Task<List<Notice>> NoticesAsync(long subject, string? policy = null) => QueryAsync(db =>
        db.Set<Notice>().AsNoTracking().Where(n => n.SubjectId == subject && (policy == null || n.PolicyId == policy)).OrderBy(n => n.Id).ToListAsync());

    private Task<List<EligibilityChange>> ChangesAsync(long subject, string? policy = null) => QueryAsync(db =>
        db.Set<EligibilityChange>().AsNoTracking().Where(c => c.SubjectId == subject && (policy == null || c.PolicyId == policy)).OrderBy(c => c.Id).ToListAsync());

    private Task<List<OutboxMessage>> OutboxAsync(long notice) => QueryAsync(db =>
        db.Set<OutboxMessage>().AsNoTracking().Where(o => o.NoticeId == notice).OrderBy(o => o.Channel).ToListAsync());

    private List<string> SmsLines(long subject) => File.Exists(SmsLog)
        ? File.ReadAllLines(SmsLog).Where(l => l.Contains($"\tsubject={subject}\t", StringComparison.Ordinal)).ToList()
        : [];

    private static void That(bool condition, string what)
    {
        if (!condition) throw new XunitException(what);
    }

    private static string Wan(double amount) => (amount / 10_000).ToString("0.##", CultureInfo.InvariantCulture) + " 万元";

    // ───────────── scenarios ─────────────

    [Fact]
    public async Task A_newly_eligible_talent_gets_one_sms_and_one_in_app_message_even_when_the_sweep_runs_twice()
    {
        var (policy, test) = EligibleCase();
        var talent = await TalentWithProfileAsync(test.ProfileJson);

        var run = await SweepAsync(test.Date);
        That(run.Status == SweepStatus.Completed, $"the sweep should complete, got {run.Status}: {run.Error}");
        var changes = await ChangesAsync(talent.SubjectId, policy.Id);
        That(changes.Count == 1 && changes[0].Kind == ChangeKind.NewlyEligible && changes[0].Amount == test.Amount && changes[0].RunId == run.Id,
            $"one newly-eligible change for {policy.Id} with amount {test.Amount} (catalog case '{test.Name}'), got {changes.Count}");
        var notices = await NoticesAsync(talent.SubjectId, policy.Id);
        That(notices.Count == 1 && notices[0].Kind == NoticeKind.Eligible && notices[0].GrantKey == test.Date.Year.ToString(CultureInfo.InvariantCulture),
            $"one eligible notice keyed by the grant year {test.Date.Year}, got {string.Join(", ", notices.Select(n => n.Kind + "/" + n.GrantKey))}");
        var body = notices[0].Body;
        That(body.Contains($"《{policy.Title}》") && body.Contains(policy.Document.Number) && body.Contains(policy.Article) && body.Contains("每年 " + Wan(test.Amount!.Value)),
            $"the message names the policy, its source and the yearly amount: {body}");
        var outbox = await OutboxAsync(notices[0].Id);
        That(outbox.Select(o => o.Channel).SequenceEqual([OutboxChannel.InApp, OutboxChannel.Sms]) && outbox.All(o => o.Status == OutboxStatus.Pending),
            "the notice waits in the outbox for SMS and in-app delivery");

        var sent = await DispatchAsync(ManualClock.China(test.Date, 11));
        That(sent.Sent >= 2, $"the dispatcher sends the SMS and the in-app message, got {sent}");
        var lines = SmsLines(talent.SubjectId);
        var masked = talent.Mobile[..3] + "****" + talent.Mobile[^4..];
        That(lines.Count(l => l.Contains($"notice={notices[0].Id}\t")) == 1, $"one SMS line for the notice, got {lines.Count}");
        That(lines.All(l => l.Contains("mobile=" + masked) && !l.Contains(talent.Mobile)), "the SMS log shows the masked mobile only, never the number");

        // the same sweep again, and the dispatcher again: nothing new
        var again = await SweepAsync(test.Date);
        That(again.Status == SweepStatus.Completed, "the second sweep completes");
        That((await ChangesAsync(talent.SubjectId, policy.Id)).Count == 1, "the second sweep finds no change");
        That((await NoticesAsync(talent.SubjectId, policy.Id)).Count == 1, "still exactly one notice");
        var chained = await QueryAsync(db => db.Set<TalentOne.Data.Ledger.LedgerEntry>().Where(e => e.SubjectId == talent.SubjectId && e.Kind == "notice.enqueued").ToListAsync());
        That(chained.Count(e => e.Payload.Contains($"\"noticeId\":{notices[0].Id},", StringComparison.Ordinal)) == 1, "the notice is on the ledger (上链) once");
        await DispatchAsync(ManualClock.China(test.Date, 12));
        That(SmsLines(talent.SubjectId).Count(l => l.Contains($"notice={notices[0].Id}\t")) == 1, "still exactly one SMS");

        // the talent reads it in the message centre
        var messages = await (await talent.Client.GetAsync("/api/v1/me/messages")).ExpectAsync(HttpStatusCode.OK, "reading my messages");
        var list = JsonNode.Parse(messages)!.AsArray();
        var mine = list.OfType<JsonObject>().Where(m => m["policyId"]!.GetValue<string>() == policy.Id).ToList();
        That(mine.Count == 1 && mine[0]["body"]!.GetValue<string>() == body && mine[0]["readAt"] == null, $"the message centre shows the notice once: {messages}");
        await (await talent.Client.PostAsync($"/api/v1/me/messages/{notices[0].Id}/read", null)).ExpectAsync(HttpStatusCode.NoContent, "marking it read");
        var after = JsonNode.Parse(await (await talent.Client.GetAsync("/api/v1/me/messages")).ExpectAsync(HttpStatusCode.OK, "reading again"))!.AsArray();
        That(after.OfType<JsonObject>().Single(m => m["id"]!.GetValue<long>() == notices[0].Id)["readAt"] != null, "the message is marked read");

        // another holder can neither see nor mark it
        var other = await App.RegisteredTalentAsync();
        var theirs = JsonNode.Parse(await (await other.Client.GetAsync("/api/v1/me/messages")).ExpectAsync(HttpStatusCode.OK, "another talent's messages"))!.AsArray();
        That(theirs.OfType<JsonObject>().All(m => m["id"]!.GetValue<long>() != notices[0].Id), "another talent does not see the message");
        await (await other.Client.PostAsync($"/api/v1/me/messages/{notices[0].Id}/read", null)).ExpectProblemAsync(HttpStatusCode.NotFound, "marking someone else's message");
    }

    [Fact]
    public async Task A_sweep_that_crashes_half_way_is_completed_by_the_next_run_without_a_second_notice()
    {
        var (policy, test) = EligibleCase();
        var talents = new List<TestAccounts.Registered>();
        for (int i = 0; i < 3; i++) talents.Add(await TalentWithProfileAsync(test.ProfileJson));

        // batches of one subject; the second batch fails inside its transaction, after writing everything
        int batches = 0;
        var crash = new SweepRunOptions
        {
            BatchSize = 1,
            BeforeCommit = (_, _) => ++batches == 2 ? throw new IOException("simulated crash") : Task.CompletedTask,
        };
        var failed = await Assert.ThrowsAsync<IOException>(() => SweepAsync(test.Date, options: crash));
        That(failed.Message == "simulated crash", "the failure surfaces");
        var run = await QueryAsync(db => db.Set<SweepRun>().AsNoTracking().OrderByDescending(r => r.Id).FirstAsync());
        That(run.Status == SweepStatus.Failed && run.SubjectsProcessed == 1 && run.Error!.Contains("simulated crash"),
            $"the run is recorded as failed with the one batch that committed, got {run.Status}, {run.SubjectsProcessed} processed");

        var rerun = await SweepAsync(test.Date);
        That(rerun.Status == SweepStatus.Completed, "the next run completes");
        foreach (var t in talents)
        {
            var notices = await NoticesAsync(t.SubjectId, policy.Id);
            That(notices.Count == 1, $"subject {t.SubjectId}: exactly one notice after crash and re-run, got {notices.Count}");
            That((await OutboxAsync(notices[0].Id)).Count == 2, "and exactly one outbox row per channel");
            That((await ChangesAsync(t.SubjectId, policy.Id)).Count(c => c.Kind == ChangeKind.NewlyEligible) == 1, "one newly-eligible change");
        }

        // even with the sweep's memory lost, the database refuses a second notice for the same grant
        var ids = talents.Select(t => t.SubjectId).ToList();
        await QueryAsync(db => db.Set<SweepState>().Where(s => ids.Contains(s.SubjectId)).ExecuteDeleteAsync());
        var amnesiac = await SweepAsync(test.Date);
        That(amnesiac.Status == SweepStatus.Completed, "the sweep without state completes");
        foreach (var t in talents)
        {
            That((await ChangesAsync(t.SubjectId, policy.Id)).Count(c => c.Kind == ChangeKind.NewlyEligible) == 2, "the change is found again");
            That((await NoticesAsync(t.SubjectId, policy.Id)).Count == 1, "but the notice is not repeated (unique per subject, policy, grant, kind)");
        }
        await DispatchAsync(ManualClock.China(test.Date, 11));
        foreach (var t in talents)
            That(SmsLines(t.SubjectId).Count(l => l.Contains("《" + policy.Title + "》")) == 1, $"subject {t.SubjectId}: exactly one SMS for {policy.Id}");
    }

    [Fact]
    public async Task A_talent_who_stops_qualifying_is_recorded_as_no_longer_eligible_without_a_message()
    {
        var (policy, test) = EligibleCase();
        var ineligible = policy.Tests.First(t => t.Expect == "ineligible" && JsonNode.Parse(t.ProfileJson)!["employment"]?["fullTime"]?.GetValue<bool>() == false);
        var talent = await TalentWithProfileAsync(test.ProfileJson);
        await SweepAsync(test.Date);
        await DeclareAsync(talent, new JsonObject { ["employment.fullTime"] = false });

        var run = await SweepAsync(test.Date);
        var changes = await ChangesAsync(talent.SubjectId, policy.Id);
        That(changes.Select(c => c.Kind).SequenceEqual([ChangeKind.NewlyEligible, ChangeKind.NoLongerEligible]) && changes[1].RunId == run.Id,
            $"newly eligible, then no longer eligible once not full-time (catalog case '{ineligible.Name}'): {string.Join(", ", changes.Select(c => c.Kind))}");
        That(run.NoLongerEligible >= 1 && PolicyCounts.Parse(run.PerPolicyJson)[policy.Id].NoLonger >= 1, "the run counts it, per policy too");
        That((await NoticesAsync(talent.SubjectId, policy.Id)).Count == 1, "no message about losing it");
    }

    [Fact]
    public async Task After_the_catalog_changes_the_stored_state_is_compared_policy_by_policy()
    {
        var (policy, test) = EligibleCase();
        var talent = await TalentWithProfileAsync(test.ProfileJson);
        await SweepAsync(test.Date);

        // the same policies in another order: every bit position between the two places moves
        var copy = TestCatalog.CreateCopy();
        try
        {
            var file = Path.Combine(copy, "policies", TestCatalog.QuzhouFile);
            var text = await File.ReadAllTextAsync(file);
            const string first = "  - id: quzhou.leader.recommend_young_talent\n";
            int start = text.IndexOf(first, StringComparison.Ordinal);
            int end = text.IndexOf("\n  - id: ", start + first.Length, StringComparison.Ordinal) + 1;
            That(start > 0 && end > start, "the Quzhou file starts with the policy this test moves");
            var block = text[start..end];
            text = text.Remove(start, block.Length);
            text = text.Insert(text.IndexOf("  - id: quzhou.housing.rent\n", StringComparison.Ordinal), block);
            await File.WriteAllTextAsync(file, text);
            var reordered = CatalogLoader.Load(copy);
            That(reordered.ById[policy.Id].Index != App.Catalog.ById[policy.Id].Index && reordered.Version != App.Catalog.Version,
                "the policy has another position in the changed catalog");

            var run = await SweepAsync(test.Date, catalog: reordered);
            That(run.Status == SweepStatus.Completed, "the sweep with the changed catalog completes");
            var changes = await ChangesAsync(talent.SubjectId);
            That(changes.All(c => c.RunId != run.Id), $"nothing changed for the talent, got {string.Join(", ", changes.Where(c => c.RunId == run.Id).Select(c => c.Kind + " " + c.PolicyId))}");
            That((await NoticesAsync(talent.SubjectId, policy.Id)).Count == 1, "and no second notice");
        }
        finally { TestCatalog.DeleteCopy(copy); }
    }

    [Fact]
    public async Task A_reminder_is_scheduled_for_the_day_time_alone_makes_a_policy_apply_and_sent_only_from_that_day()
    {
        var (policy, test) = NearlyCase();
        var on = test.EligibleOn!.Value;
        var talent = await TalentWithProfileAsync(test.ProfileJson);

        var run = await SweepAsync(test.Date, new ManualClock(ManualClock.China(test.Date)));
        var change = (await ChangesAsync(talent.SubjectId, policy.Id)).SingleOrDefault();
        That(change is { Kind: ChangeKind.NearlyEligible } && change.EligibleOn == on,
            $"a nearly-eligible change for {policy.Id} with the date {on:yyyy-MM-dd} (catalog case '{test.Name}')");
        var reminder = (await NoticesAsync(talent.SubjectId, policy.Id)).SingleOrDefault();
        That(reminder is { Kind: NoticeKind.Reminder } && reminder.NotBefore == on && reminder.Body.Contains(on.ToString("yyyy年M月d日", CultureInfo.InvariantCulture)),
            "one reminder dated that day");
        That(run.RemindersScheduled >= 1, "the run counts the reminder");

        // the day before: not sent, not shown
        await DispatchAsync(ManualClock.China(on.AddDays(-1), 23, 59));
        That(SmsLines(talent.SubjectId).Count(l => l.Contains($"notice={reminder!.Id}\t")) == 0, "no SMS before the date");
        That((await OutboxAsync(reminder!.Id)).All(o => o.Status == OutboxStatus.Pending && o.Attempts == 0), "still waiting in the outbox");
        var before = JsonNode.Parse(await (await talent.Client.GetAsync("/api/v1/me/messages")).ExpectAsync(HttpStatusCode.OK, "messages before the date"))!.AsArray();
        That(before.OfType<JsonObject>().All(m => m["id"]!.GetValue<long>() != reminder.Id), "the message centre does not show it yet");

        // that day: sent and shown
        await DispatchAsync(ManualClock.China(on, 9, 30));
        That(SmsLines(talent.SubjectId).Count(l => l.Contains($"notice={reminder.Id}\t")) == 1, "one SMS on the date");
        var after = JsonNode.Parse(await (await talent.Client.GetAsync("/api/v1/me/messages")).ExpectAsync(HttpStatusCode.OK, "messages on the date"))!.AsArray();
        That(after.OfType<JsonObject>().Any(m => m["id"]!.GetValue<long>() == reminder.Id && m["kind"]!.GetValue<string>() == NoticeKind.Reminder), "the message centre shows it");

        // the sweep after that day finds the person eligible; the reminder already said so
        var later = on.AddDays(10);
        await SweepAsync(later, new ManualClock(ManualClock.China(later)));
        var changes = await ChangesAsync(talent.SubjectId, policy.Id);
        That(changes.Any(c => c.Kind == ChangeKind.NewlyEligible), "the later sweep records the person as newly eligible");
        That((await NoticesAsync(talent.SubjectId, policy.Id)).Count == 1, "without a second message for the same grant");
    }

    [Fact]
    public async Task A_reminder_that_no_longer_holds_is_withdrawn_before_its_day()
    {
        var (policy, test) = NearlyCase();
        var talent = await TalentWithProfileAsync(test.ProfileJson);
        await SweepAsync(test.Date, new ManualClock(ManualClock.China(test.Date)));
        That((await NoticesAsync(talent.SubjectId, policy.Id)).Count(n => n.Kind == NoticeKind.Reminder) == 1, "a reminder is scheduled");

        // no longer working full time: time alone will not make the policy apply any more
        await DeclareAsync(talent, new JsonObject { ["employment.fullTime"] = false });
        var run = await SweepAsync(test.Date.AddDays(1), new ManualClock(ManualClock.China(test.Date.AddDays(1))));
        That((await NoticesAsync(talent.SubjectId, policy.Id)).Count == 0, "the reminder is withdrawn");
        That(run.RemindersWithdrawn >= 1, "the run counts the withdrawal");
        await DispatchAsync(ManualClock.China(test.EligibleOn!.Value, 10));
        That(SmsLines(talent.SubjectId).All(l => !l.Contains("《" + policy.Title + "》")), "and never sent");
    }

    private sealed class FailingSms : INoticeSender
    {
        public Dictionary<long, int> Calls { get; } = [];
        public string Channel => OutboxChannel.Sms;

        public Task<SendResult> SendAsync(NoticeDelivery d, CancellationToken ct)
        {
            Calls[d.Notice.Id] = Calls.GetValueOrDefault(d.Notice.Id) + 1;
            throw new HttpRequestException("短信网关无响应");
        }
    }

    [Fact]
    public async Task A_failing_sms_gateway_is_retried_with_growing_waits_then_given_up()
    {
        var (policy, test) = EligibleCase();
        var talent = await TalentWithProfileAsync(test.ProfileJson);
        var t0 = ManualClock.China(test.Date, 11);
        await SweepAsync(test.Date);
        var notice = (await NoticesAsync(talent.SubjectId, policy.Id)).Single();
        var gateway = new FailingSms();
        var options = new OutboxOptions { MaxAttempts = 3, BaseDelay = TimeSpan.FromMinutes(1) };
        async Task<OutboxMessage> Sms() => (await OutboxAsync(notice.Id)).Single(o => o.Channel == OutboxChannel.Sms);

        await DispatchAsync(t0, gateway, options);
        var sms = await Sms();
        That(sms is { Status: OutboxStatus.Failed, Attempts: 1 } && sms.NextAttemptAt == t0.AddMinutes(1) && sms.LastError!.Contains("短信网关无响应"),
            $"first failure: retried a minute later, got {sms.Status} {sms.Attempts} {sms.NextAttemptAt:O}");
        That((await OutboxAsync(notice.Id)).Single(o => o.Channel == OutboxChannel.InApp).Status == OutboxStatus.Sent, "the in-app message is not held up");

        await DispatchAsync(t0.AddSeconds(59), gateway, options);
        That(gateway.Calls[notice.Id] == 1, "nothing is tried before the wait is over");
        await DispatchAsync(t0.AddMinutes(1), gateway, options);
        sms = await Sms();
        That(sms is { Status: OutboxStatus.Failed, Attempts: 2 } && sms.NextAttemptAt == t0.AddMinutes(3), $"second failure: the wait doubles to two minutes, next {sms.NextAttemptAt:O}");
        await DispatchAsync(t0.AddMinutes(3), gateway, options);
        sms = await Sms();
        That(sms is { Status: OutboxStatus.Dead, Attempts: 3 }, $"third failure: given up, got {sms.Status}");
        await DispatchAsync(t0.AddDays(1), gateway, options);
        That(gateway.Calls[notice.Id] == 3 && SmsLines(talent.SubjectId).Count == 0, "never tried again");
    }

    private static async Task<string> HtmlAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        return WebUtility.HtmlDecode(await response.ExpectAsync(HttpStatusCode.OK, $"GET {url}"));
    }

    [Fact]
    public async Task The_pages_show_the_sweeps_to_the_talent_office_and_auditors_and_the_messages_to_their_holder()
    {
        var (policy, test) = EligibleCase();
        var talent = await TalentWithProfileAsync(test.ProfileJson);
        var run = await SweepAsync(test.Date);
        await DispatchAsync(ManualClock.China(test.Date, 11));
        var masked = talent.Mobile[..3] + "****" + talent.Mobile[^4..];

        var admin = await App.ClientAsync(Roles.Admin);
        var history = await HtmlAsync(admin, "/admin/sweeps");
        That(history.Contains("开始巡检") && history.Contains($"href=\"/admin/sweeps/{run.Id}\""), "the administrator sees the history and the run-now form");
        var auditor = await App.ClientAsync(Roles.Auditor);
        var audited = await HtmlAsync(auditor, "/admin/sweeps");
        That(!audited.Contains("开始巡检") && audited.Contains($"href=\"/admin/sweeps/{run.Id}\""), "an auditor sees the history without the form");
        var detail = await HtmlAsync(auditor, $"/admin/sweeps/{run.Id}?policy={policy.Id}");
        That(detail.Contains(policy.Title) && detail.Contains(masked) && !detail.Contains(talent.Mobile) && !detail.Contains(talent.IdNumber) && detail.Contains("已发送"),
            "the run's page lists the policy by title and the person notified, masked, with the channels' status");

        var denied = await talent.Client.GetAsync("/admin/sweeps");
        That(denied.RequestMessage!.RequestUri!.AbsolutePath == "/account/denied" || denied.StatusCode == HttpStatusCode.Forbidden,
            $"a talent is turned away from the sweeps page, got {denied.StatusCode} at {denied.RequestMessage.RequestUri}");
        var inbox = await HtmlAsync(talent.Client, "/me/messages");
        var body = (await NoticesAsync(talent.SubjectId, policy.Id)).Single().Body;
        That(inbox.Contains("消息中心") && inbox.Contains(body), "the talent reads the message in the message centre");
    }

    [Fact]
    public async Task Only_the_talent_office_runs_sweeps_and_auditors_read_what_they_found_with_people_masked()
    {
        var (policy, test) = EligibleCase();
        var talent = await TalentWithProfileAsync(test.ProfileJson);
        var body = new JsonObject { ["date"] = test.Date.ToString("yyyy-MM-dd") };

        await (await App.CreateClient().PostJsonAsync("/api/v1/sweeps", body)).ExpectProblemAsync(HttpStatusCode.Unauthorized, "anonymous run");
        await (await talent.Client.PostJsonAsync("/api/v1/sweeps", body)).ExpectProblemAsync(HttpStatusCode.Forbidden, "a talent running a sweep");
        await (await talent.Client.GetAsync("/api/v1/sweeps")).ExpectProblemAsync(HttpStatusCode.Forbidden, "a talent reading sweeps");
        var auditor = await App.ClientAsync(Roles.Auditor);
        await (await auditor.PostJsonAsync("/api/v1/sweeps", body)).ExpectProblemAsync(HttpStatusCode.Forbidden, "an auditor running a sweep");
        var window = await App.ClientAsync(Roles.Window);
        await (await window.GetAsync("/api/v1/sweeps")).ExpectProblemAsync(HttpStatusCode.Forbidden, "window staff reading sweeps");
        await (await window.GetAsync("/api/v1/me/messages")).ExpectProblemAsync(HttpStatusCode.Forbidden, "staff have no message centre");

        var admin = await App.ClientAsync(Roles.Admin);
        var bad = await (await admin.PostJsonAsync("/api/v1/sweeps", new JsonObject { ["date"] = "2021-13-01" }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "a sweep with an impossible date");
        That(bad["errors"]?["date"] != null, "the bad field is named");
        var run = await (await admin.PostJsonAsync("/api/v1/sweeps?wait=true", body)).ExpectJsonAsync(HttpStatusCode.OK, "the administrator runs a sweep");
        That(run["status"]!.GetValue<string>() == SweepStatus.Completed && run["trigger"]!.GetValue<string>() == SweepTrigger.Admin, $"completed, by the administrator: {run}");
        var id = run["id"]!.GetValue<long>();

        var history = JsonNode.Parse(await (await auditor.GetAsync("/api/v1/sweeps")).ExpectAsync(HttpStatusCode.OK, "the auditor reads the history"))!.AsArray();
        That(history.OfType<JsonObject>().Any(r => r["id"]!.GetValue<long>() == id), "the run is in the history");

        var detail = await (await auditor.GetAsync($"/api/v1/sweeps/{id}?policy={policy.Id}&take=500")).ExpectJsonAsync(HttpStatusCode.OK, "the auditor reads the run");
        var counts = detail["perPolicy"]!.AsArray().OfType<JsonObject>().SingleOrDefault(p => p["policyId"]!.GetValue<string>() == policy.Id);
        That(counts != null && counts["title"]!.GetValue<string>() == policy.Title && counts["eligible"]!.GetValue<long>() >= 1, "counts per policy, with titles");
        var notified = detail["notified"]!.AsArray().OfType<JsonObject>().SingleOrDefault(n => n["subjectId"]!.GetValue<long>() == talent.SubjectId);
        That(notified != null, $"the talent is among the people notified by this run: {detail}");
        That(notified!["mobileMasked"]!.GetValue<string>().Contains("****") && !detail.ToJsonString().Contains(talent.Mobile) && !detail.ToJsonString().Contains(talent.IdNumber),
            "mobile and ID number only masked");
        That(notified["channels"]!.AsArray().Count == 2, "with the status of each channel");
        await (await auditor.GetAsync("/api/v1/sweeps/999999")).ExpectProblemAsync(HttpStatusCode.NotFound, "an unknown run");

        var xlsx = await auditor.GetAsync($"/api/v1/sweeps/{id}/export.xlsx");
        That(xlsx.StatusCode == HttpStatusCode.OK && xlsx.Content.Headers.ContentType?.MediaType == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            $"the export is a workbook, got {xlsx.StatusCode}");
        using var workbook = new MemoryStream(await xlsx.Content.ReadAsByteArrayAsync());
        That(MiniExcel.GetSheetNames(workbook).SequenceEqual(["概况", "按政策统计", "变化明细", "通知"]), "with its four sheets");
        workbook.Position = 0;
        var rows = MiniExcel.Query(workbook, useHeaderRow: true, sheetName: "变化明细").Cast<IDictionary<string, object>>().ToList();
        That(rows.Any(r => Convert.ToInt64(r["档案编号"], CultureInfo.InvariantCulture) == talent.SubjectId && (string)r["政策编号"] == policy.Id && (string)r["变化"] == "新符合"),
            "the change of the talent is in the workbook");
        await (await talent.Client.GetAsync($"/api/v1/sweeps/{id}/export.xlsx")).ExpectProblemAsync(HttpStatusCode.Forbidden, "a talent exporting");
    }
}

public sealed class SweepScenariosOnSqlite(SweepSqliteApp app) : SweepScenarios, IClassFixture<SweepSqliteApp>
{
    protected override TalentOneApp App => app;
}

[Collection(PostgresCollection.Name)]
public sealed class SweepScenariosOnPostgres(PostgresServer server) : SweepScenarios, IAsyncLifetime
{
    private SweepPostgresApp? _app;

    protected override TalentOneApp App => _app ?? throw new InvalidOperationException("not initialised");

    public async Task InitializeAsync() => _app = await SweepPostgresApp.CreateAsync(server);

    public async Task DisposeAsync()
    {
        if (_app != null) await _app.DisposeAsync();
    }
}
