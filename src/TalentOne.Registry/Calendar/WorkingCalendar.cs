namespace TalentOne.Registry.Calendar;

/// <summary>What a day is: an ordinary weekday or weekend, a statutory holiday (休) or an adjusted working day (班).</summary>
public enum DayKind { Workday, Weekend, Holiday, AdjustedWorkday }

/// <summary>An administrator's correction of one day (stored append-only; the newest per date wins).</summary>
public enum OverrideKind { Holiday, Workday, Normal }

/// <summary>An override as the calendar applies it.</summary>
public sealed record DayOverride(DateOnly Date, OverrideKind Kind, string Reason);

/// <summary>One day with its kind and where that comes from (a notice, an override, or the weekday rule).</summary>
public sealed record CalendarDay(DateOnly Date, DayKind Kind, bool Working, string? Holiday, string? Source, bool Overridden);

/// <summary>A date the calendar has no data for.</summary>
public sealed class CalendarRangeException(DateOnly date, DateOnly first, DateOnly last)
    : Exception($"日期 {date:yyyy-MM-dd} 超出工作日历的范围（{first:yyyy-MM-dd} 至 {last:yyyy-MM-dd}），无法计算工作日；请管理员补充该年度的节假日安排")
{
    public DateOnly Date { get; } = date;
}

/// <summary>The Chinese working-day calendar: weekends off, statutory holidays off, adjusted working days (调休) on,
/// over the loaded years, with administrator overrides applied. Pure and immutable: a bitmap of working days and a
/// running count per day are computed once, so every question is O(1) (or O(log n) to add days).</summary>
public sealed class WorkingCalendar
{
    private readonly DateOnly _first, _last;
    private readonly ulong[] _working;
    /// <summary>_count[i] = working days among the first i days of the range.</summary>
    private readonly int[] _count;
    private readonly CalendarDay[] _days;

    public WorkingCalendar(IReadOnlyList<HolidayYear> years, IEnumerable<DayOverride>? overrides = null)
    {
        if (years.Count == 0) throw new ArgumentException("no calendar years", nameof(years));
        Years = years.OrderBy(y => y.Year).ToList();
        for (int i = 1; i < Years.Count; i++)
            if (Years[i].Year != Years[i - 1].Year + 1) throw new ArgumentException($"calendar years must be consecutive: {Years[i - 1].Year + 1} is missing", nameof(years));
        _first = new DateOnly(Years[0].Year, 1, 1);
        _last = new DateOnly(Years[^1].Year, 12, 31);
        var n = _last.DayNumber - _first.DayNumber + 1;
        _days = new CalendarDay[n];
        for (int i = 0; i < n; i++)
        {
            var d = _first.AddDays(i);
            var weekend = d.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
            _days[i] = new CalendarDay(d, weekend ? DayKind.Weekend : DayKind.Workday, !weekend, null, null, false);
        }
        foreach (var y in Years)
            foreach (var h in y.Holidays)
            {
                for (var d = h.From; d <= h.To; d = d.AddDays(1))
                    if (InRange(d)) _days[Index(d)] = new CalendarDay(d, DayKind.Holiday, false, h.Name, h.AmendedBy is { } a ? $"{y.Notice}；{a}" : y.Notice, false);
                foreach (var w in h.WorkDays)
                    if (InRange(w)) _days[Index(w)] = new CalendarDay(w, DayKind.AdjustedWorkday, true, h.Name, y.Notice, false);
            }
        foreach (var o in overrides ?? [])
        {
            if (!InRange(o.Date)) continue;
            var weekend = o.Date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
            var source = "管理员调整：" + o.Reason;
            _days[Index(o.Date)] = o.Kind switch
            {
                OverrideKind.Holiday => new CalendarDay(o.Date, weekend ? DayKind.Weekend : DayKind.Holiday, false, weekend ? null : o.Reason, source, true),
                OverrideKind.Workday => new CalendarDay(o.Date, weekend ? DayKind.AdjustedWorkday : DayKind.Workday, true, weekend ? o.Reason : null, source, true),
                _ => new CalendarDay(o.Date, weekend ? DayKind.Weekend : DayKind.Workday, !weekend, null, source, true),
            };
        }
        _working = new ulong[(n + 63) / 64];
        _count = new int[n + 1];
        for (int i = 0; i < n; i++)
        {
            if (_days[i].Working) _working[i >> 6] |= 1UL << (i & 63);
            _count[i + 1] = _count[i] + (_days[i].Working ? 1 : 0);
        }
    }

    public IReadOnlyList<HolidayYear> Years { get; }
    public DateOnly First => _first;
    public DateOnly Last => _last;

    public bool Covers(DateOnly date) => InRange(date);

    public bool IsWorkingDay(DateOnly date)
    {
        var i = Checked(date);
        return (_working[i >> 6] & (1UL << (i & 63))) != 0;
    }

    public CalendarDay Day(DateOnly date) => _days[Checked(date)];

    /// <summary>Every day of a loaded year.</summary>
    public IReadOnlyList<CalendarDay> YearDays(int year)
    {
        var start = new DateOnly(year, 1, 1);
        if (!InRange(start)) throw new CalendarRangeException(start, _first, _last);
        return new ArraySegment<CalendarDay>(_days, Index(start), DateTime.IsLeapYear(year) ? 366 : 365);
    }

    /// <summary>The n-th working day after <paramref name="acceptedOn"/>: counting starts the day after acceptance, so
    /// day 1 is the first working day after it (5 from Wednesday 2021-09-29 is Tuesday 2021-10-12). n = 0 gives the
    /// acceptance date itself.</summary>
    public DateOnly AddWorkingDays(DateOnly acceptedOn, int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        var i = Checked(acceptedOn);
        if (n == 0) return acceptedOn;
        var target = _count[i + 1] + n;
        if (target > _count[^1]) throw new CalendarRangeException(_last.AddDays(1), _first, _last);
        // Smallest j with _count[j + 1] >= target: the day on which the target-th working day falls.
        int lo = i + 1, hi = _days.Length - 1;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_count[mid + 1] >= target) hi = mid; else lo = mid + 1;
        }
        return _first.AddDays(lo);
    }

    /// <summary>Working days elapsed after <paramref name="from"/> up to and including <paramref name="to"/>
    /// (negative when <paramref name="to"/> is earlier). AddWorkingDays(a, WorkingDaysBetween(a, b)) is b when b is a
    /// working day, and WorkingDaysBetween(a, AddWorkingDays(a, n)) is n.</summary>
    public int WorkingDaysBetween(DateOnly from, DateOnly to) => _count[Checked(to) + 1] - _count[Checked(from) + 1];

    /// <summary>Working days in [from, to], both inclusive (0 when to &lt; from).</summary>
    public int WorkingDaysIn(DateOnly from, DateOnly to) =>
        to < from ? 0 : _count[Checked(to) + 1] - _count[Checked(from)];

    /// <summary>The first working day on or after a date.</summary>
    public DateOnly NextWorkingDayOnOrAfter(DateOnly date) => IsWorkingDay(date) ? date : AddWorkingDays(date, 1);

    public static string WeekdayName(DateOnly d) => d.DayOfWeek switch
    {
        DayOfWeek.Monday => "星期一", DayOfWeek.Tuesday => "星期二", DayOfWeek.Wednesday => "星期三", DayOfWeek.Thursday => "星期四",
        DayOfWeek.Friday => "星期五", DayOfWeek.Saturday => "星期六", _ => "星期日",
    };

    public static string KindCode(DayKind k) => k switch
    {
        DayKind.Workday => "workday", DayKind.Weekend => "weekend", DayKind.Holiday => "holiday", _ => "adjusted_workday",
    };

    public static string KindText(DayKind k) => k switch
    {
        DayKind.Workday => "工作日", DayKind.Weekend => "休息日", DayKind.Holiday => "节假日（休）", _ => "调休上班（班）",
    };

    private bool InRange(DateOnly d) => d >= _first && d <= _last;
    private int Index(DateOnly d) => d.DayNumber - _first.DayNumber;

    private int Checked(DateOnly d) => InRange(d) ? Index(d) : throw new CalendarRangeException(d, _first, _last);
}
