using TalentOne.Data.Calendar;
using TalentOne.Policies.Language;
using TalentOne.Registry.Calendar;

namespace TalentOne.Web.Pages.Calendar;

/// <summary>What the calendar pages show: one year as twelve month grids, with the notice it comes from and the
/// administrators' overrides of that year.</summary>
public sealed class CalendarView
{
    public int Year { get; init; }
    public HolidayYear? Notice { get; init; }
    public IReadOnlyList<int> Years { get; init; } = [];
    public IReadOnlyList<CalendarDay> Days { get; init; } = [];
    public IReadOnlyList<CalendarOverride> Overrides { get; init; } = [];
    /// <summary>Why the calendar cannot be shown (broken files, a year not loaded), in Chinese.</summary>
    public string? Problem { get; init; }
    /// <summary>The page the year links go to (/calendar or /admin/calendar).</summary>
    public string BasePath { get; init; } = "/calendar";

    public static async Task<CalendarView> LoadAsync(CalendarService service, string catalogRoot, int? year, int today, string basePath, CancellationToken ct)
    {
        WorkingCalendar calendar;
        try { calendar = await service.CurrentAsync(catalogRoot, ct); }
        catch (CatalogException ce) { return new CalendarView { Problem = "工作日历文件有误，请联系管理员：" + ce.Errors[0].Message, BasePath = basePath }; }
        var years = calendar.Years.Select(y => y.Year).ToList();
        var y = year ?? Math.Clamp(today, years[0], years[^1]);
        if (!years.Contains(y))
            return new CalendarView { Year = y, Years = years, BasePath = basePath, Problem = $"工作日历覆盖 {years[0]}—{years[^1]} 年，没有 {y} 年的节假日安排。" };
        return new CalendarView
        {
            Year = y, Years = years, BasePath = basePath, Notice = calendar.Years.First(n => n.Year == y),
            Days = calendar.YearDays(y), Overrides = await service.OverridesOfYearAsync(y, ct),
        };
    }

    /// <summary>The weeks of a month, Monday first; null cells pad the first and last week.</summary>
    public IEnumerable<CalendarDay?[]> Weeks(int month)
    {
        var days = Days.Where(d => d.Date.Month == month).ToList();
        var week = new CalendarDay?[7];
        foreach (var d in days)
        {
            var col = ((int)d.Date.DayOfWeek + 6) % 7;
            week[col] = d;
            if (col == 6) { yield return week; week = new CalendarDay?[7]; }
        }
        if (week.Any(c => c != null)) yield return week;
    }

    public static string CssClass(CalendarDay d) => d.Kind switch
    {
        DayKind.Holiday => "cal-day cal-holiday",
        DayKind.AdjustedWorkday => "cal-day cal-adjusted",
        DayKind.Weekend => "cal-day cal-weekend",
        _ => "cal-day",
    } + (d.Overridden ? " cal-overridden" : "");

    public static string? Mark(CalendarDay d) => d.Kind switch { DayKind.Holiday => "休", DayKind.AdjustedWorkday => "班", _ => null };

    public static string Tooltip(CalendarDay d) =>
        $"{d.Date:yyyy-MM-dd} {WorkingCalendar.WeekdayName(d.Date)}：{WorkingCalendar.KindText(d.Kind)}" +
        (d.Holiday is { } h ? $"（{h}）" : "") + (d.Source is { } s ? $"，依据：{s}" : "");
}
