using TalentOne.Data.Cases;
using TalentOne.Registry.Calendar;
using TalentOne.Registry.Cases;

namespace TalentOne.Registry.Supervision;

/// <summary>One step (环节) of a task: when it started and ended (null: not started / still running) and, while it runs
/// on an open task, its clock on the day asked for.</summary>
public sealed record StepWatch(int No, string Name, int LimitWorkingDays, DateOnly? Start, DateOnly? End, DeadlineState? State)
{
    public bool Running => Start != null && End == null;
}

/// <summary>A task under supervision on one day: the item's clock (as the queue shows it) and its steps' clocks.</summary>
public sealed record TaskWatch(CaseTask Task, ServiceItem? Item, DeadlineState? ItemState, IReadOnlyList<StepWatch> Steps)
{
    /// <summary>The step the task is in (null when closed or waiting).</summary>
    public StepWatch? Current => CaseTaskStatus.IsClosed(Task.Status) ? null : Steps.FirstOrDefault(s => s.Running);
}

/// <summary>The steps of a task and their clocks. Step 1 runs from the day the task reached its department (its
/// acceptance) to the day a reviewer claimed it; step 2 from the claim to the decision. Each step has its own limit in
/// working days and its own <see cref="DeadlineClock"/> from its start (counting from the next day, like acceptance); a
/// suspension (补正) counts for the step in which it began. A task decided without being claimed ends step 1 at the
/// decision and never enters step 2.</summary>
public static class TaskSteps
{
    public static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);

    public static DateOnly ChinaDate(DateTimeOffset at) => DateOnly.FromDateTime(at.ToOffset(ChinaOffset).DateTime);

    /// <summary>The item's steps, or the default ones when the item is gone from the catalog or its steps no longer fit
    /// the limit the task was accepted with.</summary>
    public static IReadOnlyList<ItemStep> Of(CaseTask task, ServiceItem? item) =>
        item is { Steps.Count: 2 } && item.Steps.Sum(s => s.LimitWorkingDays) <= task.LimitWorkingDays ? item.Steps : ItemSteps.Default(task.LimitWorkingDays);

    /// <summary>The China date a closed task was decided (approved, rejected, or closed otherwise); null while open.</summary>
    public static DateOnly? ClosedOn(CaseTask task) =>
        CaseTaskStatus.IsClosed(task.Status) && task.DecidedAt is { } at ? ChinaDate(at) : null;

    public static TaskWatch Watch(CaseTask task, ServiceItem? item, DateOnly? claimedOn, WorkingCalendar calendar, DateOnly today, int yellowThreshold)
    {
        var open = !CaseTaskStatus.IsClosed(task.Status);
        if (task.AcceptedOn is not { } accepted) return new TaskWatch(task, item, null, []);
        DeadlineState? itemState = null;
        if (open)
            try { itemState = CaseService.Clock(task).On(calendar, today, yellowThreshold); }
            catch (Exception e) when (e is DeadlineException or CalendarRangeException) { }

        var defs = Of(task, item);
        var closedOn = ClosedOn(task);
        var suspensions = CaseService.Suspensions(task);
        // an extension lengthens the step in which it was granted (as a suspension counts in the step where it began)
        var extensions = CaseService.Extensions(task);
        // Step 1: acceptance → claim (or the decision when never claimed); step 2: claim → decision.
        var firstEnd = claimedOn ?? closedOn;
        var first = Step(1, defs[0], accepted, firstEnd, claimedOn == null ? suspensions : suspensions.Where(s => s.From < claimedOn).ToList(),
            claimedOn == null ? extensions : extensions.Where(e => e.On < claimedOn).ToList());
        var second = claimedOn is { } c
            ? Step(2, defs[1], c, closedOn, suspensions.Where(s => s.From >= c).ToList(), extensions.Where(e => e.On == null || e.On >= c).ToList())
            : new StepWatch(2, defs[1].Name, defs[1].LimitWorkingDays, null, null, null);
        return new TaskWatch(task, item, itemState, [first, second]);

        StepWatch Step(int no, ItemStep def, DateOnly start, DateOnly? end, List<Suspension> own, List<Extension> ext)
        {
            DeadlineState? state = null;
            if (end == null && open)
                try { state = (Clock(start, def.LimitWorkingDays, own) with { Extensions = ext }).On(calendar, today, yellowThreshold); }
                catch (Exception e) when (e is DeadlineException or CalendarRangeException) { }
            return new StepWatch(no, def.Name, def.LimitWorkingDays, start, end, state);
        }
    }

    /// <summary>A step's clock from its start. A suspension that began on the start day itself (returned for supplement
    /// the day it was claimed) stops the clock from the next day, the first one the step counts.</summary>
    public static DeadlineClock Clock(DateOnly start, int limit, IEnumerable<Suspension> suspensions)
    {
        var own = new List<Suspension>();
        foreach (var s in suspensions.OrderBy(s => s.From))
        {
            var from = s.From > start ? s.From : start.AddDays(1);
            if (s.To is { } to && to < from) continue;
            own.Add(s with { From = from });
        }
        return new DeadlineClock(start, limit, own, []);
    }

    /// <summary>Working days from acceptance to decision, not counting suspended ones (the handling time of the
    /// monthly report): working days in (accepted, decided] outside every suspension.</summary>
    public static int HandlingWorkingDays(WorkingCalendar calendar, DateOnly accepted, DateOnly decided, IReadOnlyList<Suspension> suspensions)
    {
        var n = 0;
        for (var d = accepted.AddDays(1); d <= decided; d = d.AddDays(1))
            if (calendar.IsWorkingDay(d) && !suspensions.Any(s => d >= s.From && (s.To == null || d <= s.To))) n++;
        return n;
    }

    /// <summary>The suspensions as they stood at the end of <paramref name="asOf"/>: later ones unknown yet, one that
    /// ended later still running.</summary>
    public static List<Suspension> AsOf(IEnumerable<Suspension> suspensions, DateOnly asOf) =>
        suspensions.Where(s => s.From <= asOf).Select(s => s.To is { } to && to > asOf ? s with { To = null } : s).ToList();
}
