namespace TalentOne.Registry.Calendar;

/// <summary>The clock stopped from <see cref="From"/> to <see cref="To"/> (both inclusive; null = not resumed yet),
/// e.g. while the applicant supplements materials (补正材料) or an expert review runs.</summary>
public sealed record Suspension(DateOnly From, DateOnly? To, string Reason);

/// <summary>An approved extension of the limit by some working days (延长办理期限), granted on a date (null: not known).</summary>
public sealed record Extension(int WorkingDays, string Reason, DateOnly? On = null);

public enum DeadlineStatus { Normal, Yellow, Red, Suspended }

/// <summary>An item's clock on one day: the due date (null while suspended without a resumption date), working days
/// left (negative = working days overdue), the card, and in Chinese why the due date is where it is.</summary>
public sealed record DeadlineState(DateOnly? Due, int Remaining, DeadlineStatus Status, IReadOnlyList<string> Explanation)
{
    public string StatusText => DeadlineClock.StatusText(Status);
}

/// <summary>A deadline that cannot be computed as given (dates out of order, a negative limit…), said in Chinese.</summary>
public sealed class DeadlineException(string message) : Exception(message);

/// <summary>The handling deadline of one item (事项): accepted on a date, a limit in working days counted from the day
/// after acceptance, suspensions whose working days do not count, and extensions. See docs/calendar.md.</summary>
public sealed record DeadlineClock(DateOnly AcceptedOn, int LimitWorkingDays, IReadOnlyList<Suspension> Suspensions, IReadOnlyList<Extension> Extensions)
{
    /// <summary>Yellow card when this many working days or fewer are left (the due date itself has 0 left).</summary>
    public const int DefaultYellowThreshold = 1;

    public DeadlineClock(DateOnly acceptedOn, int limitWorkingDays) : this(acceptedOn, limitWorkingDays, [], []) { }

    public int TotalWorkingDays => LimitWorkingDays + Extensions.Sum(e => e.WorkingDays);

    public static string StatusText(DeadlineStatus s) => s switch
    {
        DeadlineStatus.Normal => "正常", DeadlineStatus.Yellow => "黄牌（临近截止）", DeadlineStatus.Red => "红牌（已超期）", _ => "暂停计时",
    };

    public static string StatusCode(DeadlineStatus s) => s switch
    {
        DeadlineStatus.Normal => "normal", DeadlineStatus.Yellow => "yellow", DeadlineStatus.Red => "red", _ => "suspended",
    };

    private void Validate()
    {
        if (LimitWorkingDays < 0) throw new DeadlineException("办理时限不能为负数");
        foreach (var e in Extensions)
            if (e.WorkingDays <= 0) throw new DeadlineException($"延长的工作日数应为正整数（{e.Reason}）");
        var ordered = Suspensions.OrderBy(s => s.From).ToList();
        for (int i = 0; i < ordered.Count; i++)
        {
            var s = ordered[i];
            if (s.From <= AcceptedOn) throw new DeadlineException($"暂停开始日 {s.From:yyyy-MM-dd} 应晚于受理日 {AcceptedOn:yyyy-MM-dd}");
            if (s.To is { } to && to < s.From) throw new DeadlineException($"恢复日 {to:yyyy-MM-dd} 早于暂停开始日 {s.From:yyyy-MM-dd}");
            if (s.To == null && i != ordered.Count - 1) throw new DeadlineException($"自 {s.From:yyyy-MM-dd} 起的暂停尚未恢复，之后不能再有暂停");
            if (i > 0 && ordered[i - 1].To is { } prev && s.From <= prev)
                throw new DeadlineException($"暂停 {s.From:yyyy-MM-dd} 与前一次暂停（至 {prev:yyyy-MM-dd}）重叠");
        }
    }

    /// <summary>The clock on <paramref name="today"/>.</summary>
    public DeadlineState On(WorkingCalendar calendar, DateOnly today, int yellowThreshold = DefaultYellowThreshold)
    {
        Validate();
        var suspensions = Suspensions.OrderBy(s => s.From).ToList();
        var open = suspensions.LastOrDefault() is { To: null } o ? o : null;
        bool Suspended(DateOnly d) => suspensions.Any(s => d >= s.From && (s.To == null || d <= s.To));

        // Walk the working days after acceptance, skipping suspended ones, until the total is reached.
        var total = TotalWorkingDays;
        DateOnly? due = total == 0 ? AcceptedOn : null;
        var d = AcceptedOn;
        calendar.IsWorkingDay(d); // range check of the acceptance date
        for (int counted = 0; counted < total;)
        {
            d = d.AddDays(1);
            if (open != null && d >= open.From) break;
            if (!calendar.IsWorkingDay(d) || Suspended(d)) continue;
            if (++counted == total) due = d;
        }

        int Elapsed(DateOnly until)
        {
            var n = 0;
            for (var x = AcceptedOn.AddDays(1); x <= until; x = x.AddDays(1))
                if (calendar.IsWorkingDay(x) && !Suspended(x)) n++;
            return n;
        }

        int remaining;
        DeadlineStatus status;
        if (due is { } dd && today > dd)
        {
            remaining = -calendar.WorkingDaysBetween(dd, today);
            status = DeadlineStatus.Red;
        }
        else
        {
            remaining = today <= AcceptedOn ? total : total - Elapsed(today);
            status = Suspended(today) && today > AcceptedOn ? DeadlineStatus.Suspended
                // not on the day the clock starts: nothing could have been done late yet (a one-day step would
                // otherwise be yellow the moment it arrives)
                : remaining <= yellowThreshold && remaining < total ? DeadlineStatus.Yellow : DeadlineStatus.Normal;
        }
        return new DeadlineState(due, remaining, status, Explain(calendar, due, open, suspensions, today));
    }

    private List<string> Explain(WorkingCalendar calendar, DateOnly? due, Suspension? open, List<Suspension> suspensions, DateOnly today)
    {
        static string D(DateOnly x) => x.ToString("yyyy-MM-dd");
        var lines = new List<string>();
        var start = AcceptedOn.AddDays(1);
        var baseDue = calendar.AddWorkingDays(AcceptedOn, LimitWorkingDays);
        lines.Add($"受理日 {D(AcceptedOn)}，办理时限 {LimitWorkingDays} 个工作日，自受理次日（{D(start)}）起算，原截止日 {D(baseDue)}（{WorkingCalendar.WeekdayName(baseDue)}）");

        // Holidays and adjusted working days met on the way (to the due date, or to today while suspended).
        var end = due ?? (open != null ? Max(today, open.From) : baseDue);
        var holidays = new List<(string Name, DateOnly From, DateOnly To)>();
        var adjusted = new List<DateOnly>();
        for (var x = start; x <= end && calendar.Covers(x); x = x.AddDays(1))
        {
            var day = calendar.Day(x);
            if (day.Kind == DayKind.Holiday)
            {
                if (holidays.Count > 0 && holidays[^1].Name == day.Holiday && holidays[^1].To.AddDays(1) == x) holidays[^1] = (day.Holiday!, holidays[^1].From, x);
                else holidays.Add((day.Holiday ?? "节假日", x, x));
            }
            else if (day.Kind == DayKind.AdjustedWorkday) adjusted.Add(x);
        }
        foreach (var h in holidays)
            lines.Add(h.From == h.To ? $"{D(h.From)} {h.Name}放假，不计入期限" : $"{D(h.From)} 至 {D(h.To)} {h.Name}放假，不计入期限");
        foreach (var a in adjusted)
            lines.Add($"{D(a)}（{WorkingCalendar.WeekdayName(a)}）调休上班，计入期限");

        foreach (var e in Extensions)
            lines.Add($"延长办理期限 {e.WorkingDays} 个工作日（{e.Reason}），截止日顺延 {e.WorkingDays} 个工作日");
        foreach (var s in suspensions)
        {
            if (s.To is not { } to)
            {
                lines.Add($"{s.Reason}暂停 自 {D(s.From)} 起，尚未恢复，暂停期间不计时；恢复后自恢复次日起的工作日继续计算");
                continue;
            }
            var limit = due is { } dd ? Min(to, dd) : to;
            var shifted = s.From > limit ? 0 : calendar.WorkingDaysIn(s.From, limit);
            lines.Add(shifted == 0
                ? $"{s.Reason}暂停 {D(s.From)} 至 {D(to)}，期间无应计工作日，截止日不变"
                : $"{s.Reason}暂停 {D(s.From)} 至 {D(to)}，截止日顺延 {shifted} 个工作日");
        }
        if (due is { } final)
            lines.Add($"截止日 {D(final)}（{WorkingCalendar.WeekdayName(final)}）");
        else
            lines.Add("暂停中，截止日待恢复后确定");
        return lines;
    }

    private static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;
    private static DateOnly Max(DateOnly a, DateOnly b) => a > b ? a : b;
}

/// <summary>A case (办件) of several items: due when its last item is due; its card is the worst of its items'.</summary>
public static class CaseDeadline
{
    public static DeadlineState Of(IReadOnlyList<DeadlineState> items)
    {
        if (items.Count == 0) throw new DeadlineException("办件没有事项");
        DateOnly? due = items.Any(i => i.Due == null) ? null : items.Max(i => i.Due);
        var status = items.Any(i => i.Status == DeadlineStatus.Red) ? DeadlineStatus.Red
            : items.Any(i => i.Status == DeadlineStatus.Yellow) ? DeadlineStatus.Yellow
            : items.Any(i => i.Status == DeadlineStatus.Suspended) ? DeadlineStatus.Suspended : DeadlineStatus.Normal;
        return new DeadlineState(due, items.Min(i => i.Remaining), status, items.SelectMany(i => i.Explanation).ToList());
    }
}
