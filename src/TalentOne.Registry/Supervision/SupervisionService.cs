using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using TalentOne.Data;
using TalentOne.Data.Cases;
using TalentOne.Data.Supervision;
using TalentOne.Registry.Calendar;
using TalentOne.Registry.Cases;

namespace TalentOne.Registry.Supervision;

/// <summary>A card a task shows on a day: for the item (step 0) or its current step, with the date it was first
/// recorded by the daily card job (null: not recorded yet).</summary>
public sealed record LiveCard(TaskWatch Watch, int StepNo, string Step, string Colour, DateOnly Due, int Remaining, DateOnly? IssuedOn)
{
    public bool IsItem => StepNo == 0;
}

/// <summary>How many red and yellow cards a set of open tasks shows, for the item and for the current step.</summary>
public sealed record CardCounts(int RedItems, int RedSteps, int YellowItems, int YellowSteps)
{
    public int Red => RedItems + RedSteps;
    public int Yellow => YellowItems + YellowSteps;

    public static CardCounts Of(IEnumerable<LiveCard> cards)
    {
        var list = cards.ToList();
        return new CardCounts(
            list.Count(c => c.IsItem && c.Colour == CardColour.Red), list.Count(c => !c.IsItem && c.Colour == CardColour.Red),
            list.Count(c => c.IsItem && c.Colour == CardColour.Yellow), list.Count(c => !c.IsItem && c.Colour == CardColour.Yellow));
    }
}

/// <summary>The alert at the top of a department's queue: its open tasks' current cards.</summary>
public sealed record QueueAlert(string DepartmentId, DateOnly Today, int OpenTasks, CardCounts Counts)
{
    public bool Any => Counts.Red + Counts.Yellow > 0;

    public string Text => !Any
        ? $"截至 {CaseService.D(Today)}，本部门 {OpenTasks} 件在办事项均在时限内。"
        : $"截至 {CaseService.D(Today)}，本部门红牌 {Counts.Red} 张（事项 {Counts.RedItems}、环节 {Counts.RedSteps}），" +
          $"黄牌 {Counts.Yellow} 张（事项 {Counts.YellowItems}、环节 {Counts.YellowSteps}），请优先办理。";

    public static QueueAlert Of(string departmentId, DateOnly today, IReadOnlyCollection<TaskWatch> open) =>
        new(departmentId, today, open.Count, CardCounts.Of(open.SelectMany(w => SupervisionService.CardsOf(w, null))));
}

/// <summary>What one run of the card job recorded.</summary>
public sealed record IssuedCards(DateOnly On, IReadOnlyList<SupervisionCard> Cards)
{
    public string Summary
    {
        get
        {
            int N(string colour, bool item) => Cards.Count(c => c.Colour == colour && (c.StepNo == 0) == item);
            return Cards.Count == 0
                ? $"{CaseService.D(On)}：没有新的黄牌或红牌"
                : $"{CaseService.D(On)}：新亮红牌 {N(CardColour.Red, true) + N(CardColour.Red, false)} 张（事项 {N(CardColour.Red, true)}、环节 {N(CardColour.Red, false)}），" +
                  $"黄牌 {N(CardColour.Yellow, true) + N(CardColour.Yellow, false)} 张（事项 {N(CardColour.Yellow, true)}、环节 {N(CardColour.Yellow, false)}）";
        }
    }
}

/// <summary>电子监察 of 一件事 tasks (seed 002: "对各环节办理进度进行全程时限监察，发现临期、超时的事项立即向经办部门发送
/// 黄牌、红牌弹窗预警，并进行月度通报"): each open task's item and step clocks, the cards they show, the daily recording of
/// cards (once per task, step and colour; on the ledger; a red one also on the case's history) and the monthly report.
/// See docs/supervision.md.</summary>
public sealed class SupervisionService(TalentOneDb db, TimeProvider clock, Ledger.Ledger ledger, ILogger<SupervisionService> log)
{
    public const string ClaimedEvent = "claimed", CardEvent = "card", SystemActor = "system";

    private static readonly string[] OpenStatuses = [CaseTaskStatus.Queued, CaseTaskStatus.Claimed, CaseTaskStatus.Supplement];

    private static readonly JsonSerializerOptions Stored = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All) };

    /// <summary>The cards a task shows on its watch's day: the item's, then its current step's.</summary>
    public static IEnumerable<LiveCard> CardsOf(TaskWatch w, IReadOnlyDictionary<(long, int, string), DateOnly>? issued)
    {
        if (Colour(w.ItemState) is { } ic && w.ItemState!.Due is { } due)
            yield return new LiveCard(w, 0, SupervisionCard.ItemStep, ic, due, w.ItemState.Remaining, Issued(issued, w.Task.Id, 0, ic));
        if (w.Current is { } step && Colour(step.State) is { } sc && step.State!.Due is { } sdue)
            yield return new LiveCard(w, step.No, step.Name, sc, sdue, step.State.Remaining, Issued(issued, w.Task.Id, step.No, sc));
    }

    private static DateOnly? Issued(IReadOnlyDictionary<(long, int, string), DateOnly>? issued, long task, int step, string colour) =>
        issued != null && issued.TryGetValue((task, step, colour), out var on) ? on : null;

    private static string? Colour(DeadlineState? s) => s?.Status switch
    {
        DeadlineStatus.Red => CardColour.Red, DeadlineStatus.Yellow => CardColour.Yellow, _ => null,
    };

    public static string ColourText(string colour) => colour == CardColour.Red ? "红牌" : "黄牌";

    /// <summary>The China date each task was claimed (from its "claimed" event).</summary>
    public async Task<Dictionary<long, DateOnly>> ClaimDatesAsync(IReadOnlyCollection<long> taskIds, CancellationToken ct)
    {
        if (taskIds.Count == 0) return [];
        var ids = taskIds.ToList();
        var rows = await db.Set<CaseEvent>().AsNoTracking().Where(e => e.Kind == ClaimedEvent && e.TaskId != null && ids.Contains(e.TaskId.Value))
            .Select(e => new { TaskId = e.TaskId!.Value, e.At, e.Id }).ToListAsync(ct);
        return rows.GroupBy(r => r.TaskId).ToDictionary(g => g.Key, g => TaskSteps.ChinaDate(g.OrderBy(r => r.Id).First().At));
    }

    /// <summary>The watches of the given tasks on <see cref="CaseContext.Today"/>.</summary>
    public async Task<Dictionary<long, TaskWatch>> WatchAsync(IReadOnlyCollection<CaseTask> tasks, CaseContext cx, CancellationToken ct)
    {
        var claimed = await ClaimDatesAsync(tasks.Select(t => t.Id).ToList(), ct);
        return tasks.ToDictionary(t => t.Id, t => TaskSteps.Watch(t, cx.Items.ItemById.GetValueOrDefault(t.ItemId), claimed.TryGetValue(t.Id, out var c) ? c : null,
            cx.Calendar, cx.Today, cx.YellowThreshold));
    }

    /// <summary>Open tasks (queued, claimed, returned for supplement) of one department, or of every department of a
    /// city (null: everywhere), watched on <see cref="CaseContext.Today"/>.</summary>
    public async Task<List<TaskWatch>> OpenAsync(string? departmentId, string? city, CaseContext cx, CancellationToken ct)
    {
        // Only tasks that had reached their department by the day the clocks are read for: a later one has no clock yet.
        var q = db.Set<CaseTask>().AsNoTracking().Where(t => OpenStatuses.Contains(t.Status) && t.AcceptedOn != null && t.AcceptedOn <= cx.Today);
        if (departmentId != null) q = q.Where(t => t.DepartmentId == departmentId);
        else if (city != null) { var prefix = city + "."; q = q.Where(t => t.DepartmentId.StartsWith(prefix)); }
        var tasks = await q.OrderBy(t => t.Id).ToListAsync(ct);
        return [.. (await WatchAsync(tasks, cx, ct)).Values.OrderBy(w => w.Task.Id)];
    }

    /// <summary>The cards open tasks show today, with the date each was first recorded.</summary>
    public async Task<List<LiveCard>> LiveCardsAsync(IReadOnlyCollection<TaskWatch> watches, CancellationToken ct)
    {
        var ids = watches.Select(w => w.Task.Id).ToList();
        var issued = ids.Count == 0 ? [] : (await db.Set<SupervisionCard>().AsNoTracking().Where(c => ids.Contains(c.TaskId))
            .Select(c => new { c.TaskId, c.StepNo, c.Colour, c.IssuedOn }).ToListAsync(ct))
            .ToDictionary(c => (c.TaskId, c.StepNo, c.Colour), c => c.IssuedOn);
        return [.. watches.SelectMany(w => CardsOf(w, issued))];
    }

    /// <summary>The monthly reports of the given departments (id → name) for the month starting on <paramref name="from"/>.</summary>
    public async Task<List<MonthlyReport>> MonthlyAsync(IReadOnlyList<(string Id, string Name)> departments, DateOnly from, CaseContext cx, CancellationToken ct)
    {
        var ids = departments.Select(d => d.Id).ToList();
        var to = from.AddMonths(1).AddDays(-1);
        // Every task that reached these departments by the month's end: decisions and open tasks of the month are among
        // them (a decision time cannot be compared in SQL on every provider, so the month is picked in memory).
        var tasks = await db.Set<CaseTask>().AsNoTracking().Where(t => ids.Contains(t.DepartmentId) && t.AcceptedOn != null && t.AcceptedOn <= to)
            .OrderBy(t => t.Id).ToListAsync(ct);
        var cards = await db.Set<SupervisionCard>().AsNoTracking().Where(c => ids.Contains(c.DepartmentId) && c.IssuedOn >= from && c.IssuedOn <= to)
            .OrderBy(c => c.Id).ToListAsync(ct);
        var tasksBy = tasks.ToLookup(t => t.DepartmentId);
        var cardsBy = cards.ToLookup(c => c.DepartmentId);
        return [.. departments.Select(d => MonthlyReports.Compute(d.Id, d.Name, from, cx.Today, [.. tasksBy[d.Id]], [.. cardsBy[d.Id]], cx.Items, cx.Calendar))];
    }

    /// <summary>The daily card job: records every yellow or red card open tasks show on <see cref="CaseContext.Today"/>
    /// that was not recorded before (once per task, step and colour), each on the ledger as case.card, a red one also
    /// as a "card" event on the case's history — all in one transaction. Running it again the same day records nothing.</summary>
    public async Task<IssuedCards> IssueCardsAsync(CaseContext cx, CancellationToken ct, int attempt = 0)
    {
        var watches = await OpenAsync(null, null, cx, ct);
        var candidates = watches.SelectMany(w => CardsOf(w, null)).ToList();
        if (candidates.Count == 0) return new IssuedCards(cx.Today, []);
        var ids = candidates.Select(c => c.Watch.Task.Id).Distinct().ToList();
        var existing = (await db.Set<SupervisionCard>().AsNoTracking().Where(c => ids.Contains(c.TaskId))
            .Select(c => new { c.TaskId, c.StepNo, c.Colour }).ToListAsync(ct)).Select(c => (c.TaskId, c.StepNo, c.Colour)).ToHashSet();
        var fresh = candidates.Where(c => !existing.Contains((c.Watch.Task.Id, c.StepNo, c.Colour))).ToList();
        if (fresh.Count == 0) return new IssuedCards(cx.Today, []);

        var caseIds = fresh.Select(c => c.Watch.Task.CaseId).Distinct().ToList();
        var subjects = await db.Set<CaseFile>().AsNoTracking().Where(c => caseIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.SubjectId, ct);
        var now = clock.GetUtcNow();
        var cards = new List<SupervisionCard>();
        var chain = new List<Ledger.LedgerItem>();
        foreach (var c in fresh)
        {
            var t = c.Watch.Task;
            var card = new SupervisionCard
            {
                TaskId = t.Id, CaseId = t.CaseId, DepartmentId = t.DepartmentId, ItemId = t.ItemId, StepNo = c.StepNo, Step = c.Step,
                Colour = c.Colour, IssuedOn = cx.Today, Due = c.Due, Remaining = c.Remaining, At = now,
            };
            cards.Add(card);
            var detail = new JsonObject
            {
                ["colour"] = c.Colour, ["step"] = c.StepNo == 0 ? SupervisionCard.ItemStep : c.Step, ["stepNo"] = c.StepNo,
                ["department"] = t.DepartmentId, ["item"] = t.ItemId, ["issuedOn"] = CaseService.D(cx.Today), ["due"] = CaseService.D(c.Due),
                ["remaining"] = c.Remaining,
            };
            if (c.Colour == CardColour.Red)
                db.Set<CaseEvent>().Add(new CaseEvent { CaseId = t.CaseId, TaskId = t.Id, Kind = CardEvent, By = SystemActor, At = now, DetailJson = detail.ToJsonString(Stored) });
            // The same payload shape as the case events CaseService chains (case.<kind>).
            chain.Add(new Ledger.LedgerItem("case." + CardEvent, Ledger.LedgerHash.CanonicalJson(new
            {
                caseId = t.CaseId, taskId = (long?)t.Id, kind = CardEvent, by = SystemActor, at = now.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
                detail = detail.DeepClone(),
            }), t.CaseId, subjects.GetValueOrDefault(t.CaseId)));
        }
        db.Set<SupervisionCard>().AddRange(cards);
        try
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await db.SaveChangesAsync(ct);
            await ledger.AppendManyAsync(chain, ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateException) when (attempt < 2)
        {
            // Another run recorded some of these cards meanwhile (the unique index): look again.
            db.ChangeTracker.Clear();
            log.LogInformation("Card job for {Date}: concurrent run, retrying", cx.Today);
            return await IssueCardsAsync(cx, ct, attempt + 1);
        }
        return new IssuedCards(cx.Today, cards);
    }
}

/// <summary>The daily job "cards" (see <see cref="SupervisionService.IssueCardsAsync"/>).</summary>
public sealed class CardJob(SupervisionService supervision) : ICaseDailyJob
{
    public string Name => "cards";

    public async Task<string> RunAsync(CaseContext cx, CancellationToken ct) => (await supervision.IssueCardsAsync(cx, ct)).Summary;
}
