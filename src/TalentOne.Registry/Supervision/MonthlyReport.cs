using System.Globalization;
using Microsoft.EntityFrameworkCore;
using TalentOne.Data.Cases;
using TalentOne.Data.Supervision;
using TalentOne.Registry.Calendar;
using TalentOne.Registry.Cases;
using TalentOne.Registry.Roster;

namespace TalentOne.Registry.Supervision;

/// <summary>The figures of a department's month (or one item's share of it). See docs/supervision.md for each formula.</summary>
/// <param name="Received">Tasks that reached the department in the month (accepted on a day of the month).</param>
/// <param name="CasesReceived">Distinct cases of those tasks.</param>
/// <param name="Decided">Tasks approved or rejected on a day of the month (<paramref name="Approved"/> + <paramref name="Rejected"/>).</param>
/// <param name="DecidedOnTime">Of those, decided on or before their due date (the item's clock, suspensions included).</param>
/// <param name="OnTimeRate">DecidedOnTime / Decided, rounded to 4 places; null when nothing was decided.</param>
/// <param name="HandlingWorkingDays">Sum over the decided tasks of the working days after acceptance up to and including
/// the decision day, suspended days not counted.</param>
/// <param name="AverageHandlingWorkingDays">HandlingWorkingDays / Decided, rounded to 2 places; null when nothing was decided.</param>
/// <param name="OpenOverdue">Tasks still open at the end of the month (or today, for the running month) and past their due date.</param>
public sealed record MonthlyFigures(int Received, int CasesReceived, int Decided, int Approved, int Rejected, int DecidedOnTime, double? OnTimeRate,
    int HandlingWorkingDays, double? AverageHandlingWorkingDays, int YellowItemCards, int YellowStepCards, int RedItemCards, int RedStepCards, int OpenOverdue)
{
    public int YellowCards => YellowItemCards + YellowStepCards;
    public int RedCards => RedItemCards + RedStepCards;

    public static string Rate(double? r) => r is { } v ? (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "—";
    public static string Days(double? d) => d is { } v ? v.ToString("0.00", CultureInfo.InvariantCulture) : "—";
}

/// <summary>A task decided in the month, with how its figures were reached.</summary>
public sealed record DecidedTask(long TaskId, long CaseId, string ItemId, string Status, DateOnly AcceptedOn, DateOnly? Due, DateOnly DecidedOn,
    int HandlingWorkingDays, bool OnTime);

/// <summary>A task open and overdue at the end of the month.</summary>
public sealed record OverdueTask(long TaskId, long CaseId, string ItemId, DateOnly AcceptedOn, DateOnly Due, int OverdueWorkingDays);

public sealed record MonthlyItem(string ItemId, string ItemName, MonthlyFigures Figures);

/// <summary>部门月度通报: one department's month. <see cref="AsOf"/> is the month's last day, or today for the running month.</summary>
public sealed record MonthlyReport(string DepartmentId, string DepartmentName, DateOnly From, DateOnly To, DateOnly AsOf, MonthlyFigures Total,
    IReadOnlyList<MonthlyItem> Items, IReadOnlyList<DecidedTask> Decisions, IReadOnlyList<OverdueTask> Overdue, IReadOnlyList<SupervisionCard> Cards)
{
    public string Month => From.ToString("yyyy-MM", CultureInfo.InvariantCulture);
    public string MonthText => $"{From.Year} 年 {From.Month} 月";
}

/// <summary>The monthly report's arithmetic, apart from the database.</summary>
public static class MonthlyReports
{
    /// <summary>A month given as yyyy-MM, with a Chinese message when it is not one.</summary>
    public static bool TryMonth(string? text, DateOnly today, out DateOnly first, out string? error)
    {
        error = null;
        first = new DateOnly(today.Year, today.Month, 1);
        if (string.IsNullOrWhiteSpace(text)) return true;
        if (!DateOnly.TryParseExact(text.Trim() + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
        {
            error = $"月份“{(text.Length > 20 ? text[..20] + "…" : text)}”应写作 yyyy-MM，例如 2021-10";
            return false;
        }
        if (d > first)
        {
            error = $"{d:yyyy-MM} 尚未开始，只能查看本月（{first:yyyy-MM}）及以前的月份";
            return false;
        }
        first = d;
        return true;
    }

    private static readonly string[] Decisions = [CaseTaskStatus.Approved, CaseTaskStatus.Rejected];
    private static readonly string[] Open = [CaseTaskStatus.Queued, CaseTaskStatus.Claimed, CaseTaskStatus.Supplement];

    /// <summary>The report of one department from its tasks accepted up to the month's end and the cards issued in the month.</summary>
    public static MonthlyReport Compute(string departmentId, string departmentName, DateOnly from, DateOnly today, IReadOnlyList<CaseTask> tasks,
        IReadOnlyList<SupervisionCard> cards, ItemCatalog items, WorkingCalendar calendar)
    {
        var to = from.AddMonths(1).AddDays(-1);
        var asOf = today < to ? today : to;
        bool InMonth(DateOnly d) => d >= from && d <= to;

        var received = tasks.Where(t => t.AcceptedOn is { } a && InMonth(a)).ToList();
        var decided = new List<DecidedTask>();
        var overdue = new List<OverdueTask>();
        foreach (var t in tasks)
        {
            if (t.AcceptedOn is not { } accepted) continue;
            var suspensions = CaseService.Suspensions(t);
            var closedOn = TaskSteps.ClosedOn(t);
            try
            {
                if (Decisions.Contains(t.Status) && closedOn is { } on && InMonth(on))
                {
                    var due = new DeadlineClock(accepted, t.LimitWorkingDays, suspensions, CaseService.Extensions(t)).On(calendar, on).Due;
                    decided.Add(new DecidedTask(t.Id, t.CaseId, t.ItemId, t.Status, accepted, due, on,
                        TaskSteps.HandlingWorkingDays(calendar, accepted, on, suspensions), due is { } dd && on <= dd));
                }
                var openAtEnd = accepted <= asOf && (closedOn is { } c ? c > asOf : Open.Contains(t.Status));
                if (openAtEnd)
                {
                    var extensions = CaseService.Extensions(t).Where(e => e.On == null || e.On <= asOf).ToList();
                    var state = new DeadlineClock(accepted, t.LimitWorkingDays, TaskSteps.AsOf(suspensions, asOf), extensions).On(calendar, asOf);
                    if (state.Status == DeadlineStatus.Red && state.Due is { } due)
                        overdue.Add(new OverdueTask(t.Id, t.CaseId, t.ItemId, accepted, due, -state.Remaining));
                }
            }
            catch (Exception e) when (e is DeadlineException or CalendarRangeException) { }
        }
        var monthCards = cards.Where(c => InMonth(c.IssuedOn)).OrderBy(c => c.IssuedOn).ThenBy(c => c.Id).ToList();

        var itemIds = received.Select(t => t.ItemId).Concat(decided.Select(d => d.ItemId)).Concat(overdue.Select(o => o.ItemId))
            .Concat(monthCards.Select(c => c.ItemId)).Distinct().Order(StringComparer.Ordinal).ToList();
        var perItem = itemIds.Select(id => new MonthlyItem(id, items.ItemById.TryGetValue(id, out var i) ? i.Name : id,
            Figures(received.Where(t => t.ItemId == id).ToList(), decided.Where(d => d.ItemId == id).ToList(),
                overdue.Count(o => o.ItemId == id), monthCards.Where(c => c.ItemId == id).ToList()))).ToList();
        return new MonthlyReport(departmentId, departmentName, from, to, asOf, Figures(received, decided, overdue.Count, monthCards), perItem,
            [.. decided.OrderBy(d => d.DecidedOn).ThenBy(d => d.TaskId)], [.. overdue.OrderBy(o => o.Due).ThenBy(o => o.TaskId)], monthCards);
    }

    private static MonthlyFigures Figures(List<CaseTask> received, List<DecidedTask> decided, int overdue, List<SupervisionCard> cards)
    {
        var onTime = decided.Count(d => d.OnTime);
        var days = decided.Sum(d => d.HandlingWorkingDays);
        int Cards(string colour, bool item) => cards.Count(c => c.Colour == colour && (c.StepNo == 0) == item);
        return new MonthlyFigures(received.Count, received.Select(t => t.CaseId).Distinct().Count(), decided.Count,
            decided.Count(d => d.Status == CaseTaskStatus.Approved), decided.Count(d => d.Status == CaseTaskStatus.Rejected), onTime,
            decided.Count == 0 ? null : Math.Round((double)onTime / decided.Count, 4), days,
            decided.Count == 0 ? null : Math.Round((double)days / decided.Count, 2),
            Cards(CardColour.Yellow, true), Cards(CardColour.Yellow, false), Cards(CardColour.Red, true), Cards(CardColour.Red, false), overdue);
    }

    /// <summary>The report as an .xlsx workbook: 汇总, 分事项, 办结明细, 月末超期, 红黄牌.</summary>
    public static byte[] Workbook(MonthlyReport r, ItemCatalog items)
    {
        string Name(string id) => items.ItemById.TryGetValue(id, out var i) ? i.Name : id;
        static string D(DateOnly? d) => d is { } x ? CaseService.D(x) : "";
        var t = r.Total;
        object?[] Row(string label, object? value) => [label, value];
        return Xlsx.Write([
            new XlsxSheet("汇总", ["项目", "数值"], [
                Row("部门", r.DepartmentName), Row("部门编号", r.DepartmentId), Row("月份", r.Month), Row("统计截至", CaseService.D(r.AsOf)),
                Row("收件（事项）", t.Received), Row("涉及案件", t.CasesReceived), Row("办结", t.Decided), Row("其中准予", t.Approved),
                Row("其中不予办理", t.Rejected), Row("按时办结", t.DecidedOnTime), Row("按时办结率", t.OnTimeRate),
                Row("办理工作日合计", t.HandlingWorkingDays), Row("平均办理工作日", t.AverageHandlingWorkingDays),
                Row("黄牌（事项）", t.YellowItemCards), Row("黄牌（环节）", t.YellowStepCards), Row("红牌（事项）", t.RedItemCards),
                Row("红牌（环节）", t.RedStepCards), Row("月末超期未办结", t.OpenOverdue),
            ]),
            new XlsxSheet("分事项", ["事项编号", "事项", "收件", "办结", "准予", "不予办理", "按时办结", "按时办结率", "平均办理工作日",
                "黄牌（事项）", "黄牌（环节）", "红牌（事项）", "红牌（环节）", "月末超期未办结"],
                [.. r.Items.Select(i => new object?[]
                {
                    i.ItemId, i.ItemName, i.Figures.Received, i.Figures.Decided, i.Figures.Approved, i.Figures.Rejected, i.Figures.DecidedOnTime,
                    i.Figures.OnTimeRate, i.Figures.AverageHandlingWorkingDays, i.Figures.YellowItemCards, i.Figures.YellowStepCards,
                    i.Figures.RedItemCards, i.Figures.RedStepCards, i.Figures.OpenOverdue,
                })]),
            new XlsxSheet("办结明细", ["案件号", "事项编号", "事项", "受理日", "截止日", "办结日", "结果", "办理工作日", "按时"],
                [.. r.Decisions.Select(d => new object?[]
                {
                    d.CaseId, d.ItemId, Name(d.ItemId), D(d.AcceptedOn), D(d.Due), D(d.DecidedOn), CaseService.StatusText(d.Status), d.HandlingWorkingDays,
                    d.OnTime ? "是" : "否",
                })]),
            new XlsxSheet("月末超期", ["案件号", "事项编号", "事项", "受理日", "截止日", "超期工作日"],
                [.. r.Overdue.Select(o => new object?[] { o.CaseId, o.ItemId, Name(o.ItemId), D(o.AcceptedOn), D(o.Due), o.OverdueWorkingDays })]),
            new XlsxSheet("红黄牌", ["亮牌日", "颜色", "对象", "案件号", "事项编号", "事项", "截止日", "剩余工作日（负数为超期）"],
                [.. r.Cards.Select(c => new object?[]
                {
                    D(c.IssuedOn), SupervisionService.ColourText(c.Colour), c.StepNo == 0 ? "事项" : "环节：" + c.Step, c.CaseId, c.ItemId, Name(c.ItemId),
                    D(c.Due), c.Remaining,
                })]),
        ]);
    }
}
