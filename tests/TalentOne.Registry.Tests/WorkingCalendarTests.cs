using TalentOne.Policies.Language;
using TalentOne.Registry.Calendar;

namespace TalentOne.Registry.Tests;

/// <summary>The Chinese working-day calendar on the real catalog/calendar files, and the deadline clock.</summary>
public sealed class WorkingCalendarTests
{
    private static readonly IReadOnlyList<HolidayYear> Years = CalendarFiles.Load(CatalogRoot());
    private static readonly WorkingCalendar Calendar = new(Years);

    private static string CatalogRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (Directory.Exists(Path.Combine(dir.FullName, "catalog", "calendar"))) return Path.Combine(dir.FullName, "catalog");
        throw new InvalidOperationException("catalog/calendar not found above " + AppContext.BaseDirectory);
    }

    private static DateOnly D(string s) => DateOnly.Parse(s, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Five_working_days_from_Wednesday_2021_09_29_fall_due_on_2021_10_12_across_National_Day()
    {
        Assert.Equal(D("2021-10-12"), Calendar.AddWorkingDays(D("2021-09-29"), 5));
        // day 1 is the day after acceptance; 10-01…10-07 are off; Saturday 10-09 is an adjusted working day
        Assert.Equal(D("2021-09-30"), Calendar.AddWorkingDays(D("2021-09-29"), 1));
        Assert.Equal(D("2021-10-08"), Calendar.AddWorkingDays(D("2021-09-29"), 2));
        Assert.Equal(D("2021-10-09"), Calendar.AddWorkingDays(D("2021-09-29"), 3));
    }

    [Fact]
    public void Spring_Festival_2021_is_off_and_its_adjusted_Sunday_and_Saturday_are_working_days()
    {
        for (var d = D("2021-02-11"); d <= D("2021-02-17"); d = d.AddDays(1))
        {
            Assert.False(Calendar.IsWorkingDay(d), d.ToString());
            Assert.Equal(DayKind.Holiday, Calendar.Day(d).Kind);
            Assert.Equal("春节", Calendar.Day(d).Holiday);
        }
        Assert.True(Calendar.IsWorkingDay(D("2021-02-07")));   // Sunday, 调休上班
        Assert.True(Calendar.IsWorkingDay(D("2021-02-20")));   // Saturday, 调休上班
        Assert.Equal(DayKind.AdjustedWorkday, Calendar.Day(D("2021-02-07")).Kind);
        Assert.Equal("国办发明电〔2020〕27号", Calendar.Day(D("2021-02-20")).Source);
        Assert.False(Calendar.IsWorkingDay(D("2021-02-06")));  // an ordinary Saturday
        // accepted Friday 2021-02-05: day 1 is the working Sunday, then Monday and Tuesday
        Assert.Equal(D("2021-02-09"), Calendar.AddWorkingDays(D("2021-02-05"), 3));
        // accepted the day before the holiday: Thu 18, Fri 19, then the working Saturday 20
        Assert.Equal(D("2021-02-20"), Calendar.AddWorkingDays(D("2021-02-10"), 3));
    }

    [Fact]
    public void A_Saturday_adjusted_working_day_counts()
    {
        Assert.Equal(DayOfWeek.Saturday, D("2021-10-09").DayOfWeek);
        Assert.Equal(D("2021-10-09"), Calendar.AddWorkingDays(D("2021-10-08"), 1));
        Assert.Equal(1, Calendar.WorkingDaysBetween(D("2021-10-08"), D("2021-10-10")));
    }

    [Fact]
    public void Acceptance_on_a_holiday_counts_from_the_first_working_day_after_it()
    {
        Assert.Equal(D("2021-10-08"), Calendar.AddWorkingDays(D("2021-10-03"), 1));
        Assert.Equal(D("2021-10-12"), Calendar.AddWorkingDays(D("2021-10-03"), 4));
    }

    [Fact]
    public void The_2020_Spring_Festival_extension_makes_Saturday_1_February_a_rest_day()
    {
        Assert.True(Calendar.IsWorkingDay(D("2020-01-19")));
        Assert.False(Calendar.IsWorkingDay(D("2020-01-31")));
        Assert.False(Calendar.IsWorkingDay(D("2020-02-01")));
        Assert.False(Calendar.IsWorkingDay(D("2020-02-02")));
        Assert.Contains("国办发明电〔2020〕1号", Calendar.Day(D("2020-02-01")).Source);
        Assert.Equal(D("2020-02-03"), Calendar.AddWorkingDays(D("2020-01-23"), 1));
    }

    [Theory]
    // days − Saturdays and Sundays − statutory holidays (11 a year, 13 from 2025); 2020 also lost 31 Jan and 1 Feb
    [InlineData(2020, 249)]
    [InlineData(2021, 250)]
    [InlineData(2022, 249)]
    [InlineData(2023, 249)]
    [InlineData(2024, 251)]
    [InlineData(2025, 248)]
    [InlineData(2026, 248)]
    public void Each_year_has_the_number_of_working_days_its_statutory_holidays_leave(int year, int working)
    {
        Assert.Equal(working, Calendar.YearDays(year).Count(d => d.Working));
        Assert.Equal(working, Calendar.WorkingDaysIn(new DateOnly(year, 1, 1), new DateOnly(year, 12, 31)));
    }

    [Theory]
    // one adjusted working day (调休上班) and one weekday off per year, as the notices say
    [InlineData("2020-06-28", "2020-10-08")]   // 端午 Sunday worked; 国庆中秋 8 days
    [InlineData("2021-09-18", "2021-09-20")]   // 中秋: Saturday 18 worked, Monday 20 off
    [InlineData("2022-04-02", "2022-04-04")]   // 清明: Saturday 2 worked, Monday 4 off
    [InlineData("2023-06-25", "2023-06-23")]   // 端午: Sunday 25 worked, Friday 23 off
    [InlineData("2024-04-07", "2024-04-05")]   // 清明: Sunday 7 worked, Friday 5 off
    [InlineData("2025-04-27", "2025-05-05")]   // 劳动节: Sunday 27 April worked, Monday 5 May off
    [InlineData("2025-01-26", "2025-01-28")]   // 春节: Sunday 26 worked, 除夕 Tuesday 28 off (from 2025)
    [InlineData("2026-01-04", "2026-02-23")]   // 元旦: Sunday 4 worked; 春节 to Monday 23 (正月初七)
    [InlineData("2026-09-20", "2026-10-07")]   // 国庆: Sunday 20 September worked, Wednesday 7 October off
    public void Each_year_has_its_adjusted_working_days_and_holidays(string worked, string off)
    {
        Assert.True(D(worked).DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday);
        Assert.True(Calendar.IsWorkingDay(D(worked)), worked);
        Assert.Equal(DayKind.AdjustedWorkday, Calendar.Day(D(worked)).Kind);
        Assert.False(D(off).DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday);
        Assert.False(Calendar.IsWorkingDay(D(off)), off);
        Assert.Equal(DayKind.Holiday, Calendar.Day(D(off)).Kind);
    }

    [Fact]
    public void New_Years_Eve_2024_is_a_working_day_the_notice_only_encourages_leave()
    {
        Assert.True(Calendar.IsWorkingDay(D("2024-02-09")));
        Assert.False(Calendar.IsWorkingDay(D("2025-01-28")));
    }

    [Fact]
    public void WorkingDaysBetween_and_AddWorkingDays_agree_on_random_dates_2020_to_2026()
    {
        var random = new Random(20210929);
        var span = Calendar.Last.DayNumber - Calendar.First.DayNumber;
        for (int i = 0; i < 5000; i++)
        {
            var a = Calendar.First.AddDays(random.Next(span - 400));
            var n = random.Next(0, 250);
            var due = Calendar.AddWorkingDays(a, n);
            Assert.Equal(n, Calendar.WorkingDaysBetween(a, due));
            if (n > 0) Assert.True(Calendar.IsWorkingDay(due));
            // no earlier day reaches n
            if (n > 0) Assert.Equal(n - 1, Calendar.WorkingDaysBetween(a, due.AddDays(-1)));

            var b = Calendar.First.AddDays(random.Next(span));
            var between = Calendar.WorkingDaysBetween(a, b);
            Assert.Equal(-between, Calendar.WorkingDaysBetween(b, a));
            if (b > a && Calendar.IsWorkingDay(b)) Assert.Equal(b, Calendar.AddWorkingDays(a, between));
            // the same count by walking day by day
            if (i % 50 == 0)
            {
                int walked = 0;
                for (var x = a.AddDays(1); x <= b; x = x.AddDays(1)) if (Calendar.IsWorkingDay(x)) walked++;
                Assert.Equal(b > a ? walked : between, between);
            }
        }
    }

    [Fact]
    public void An_administrator_override_changes_the_result()
    {
        var extra = new WorkingCalendar(Years, [new DayOverride(D("2021-09-30"), OverrideKind.Holiday, "台风停工")]);
        Assert.False(extra.IsWorkingDay(D("2021-09-30")));
        Assert.Equal(D("2021-10-13"), extra.AddWorkingDays(D("2021-09-29"), 5));
        Assert.Contains("台风停工", extra.Day(D("2021-09-30")).Source);

        var normal = new WorkingCalendar(Years, [new DayOverride(D("2021-10-09"), OverrideKind.Normal, "改回周末")]);
        Assert.False(normal.IsWorkingDay(D("2021-10-09")));
        Assert.Equal(D("2021-10-13"), normal.AddWorkingDays(D("2021-09-29"), 5));

        var work = new WorkingCalendar(Years, [new DayOverride(D("2021-10-07"), OverrideKind.Workday, "补班")]);
        Assert.Equal(D("2021-10-11"), work.AddWorkingDays(D("2021-09-29"), 5));
    }

    [Fact]
    public void Dates_outside_the_loaded_years_are_a_clear_error()
    {
        var e = Assert.Throws<CalendarRangeException>(() => Calendar.IsWorkingDay(D("2019-12-31")));
        Assert.Contains("2019-12-31", e.Message);
        Assert.Contains("超出工作日历的范围（2020-01-01 至 2026-12-31）", e.Message);
        Assert.Throws<CalendarRangeException>(() => Calendar.AddWorkingDays(D("2026-12-28"), 10));
        Assert.Throws<CalendarRangeException>(() => Calendar.WorkingDaysBetween(D("2021-01-01"), D("2027-01-04")));
    }

    // ---- deadline clock ----

    private static readonly DateOnly Accepted = D("2021-09-29");

    [Fact]
    public void Yellow_card_with_one_working_day_left_and_red_card_the_day_after_the_due_date()
    {
        var clock = new DeadlineClock(Accepted, 5);
        DeadlineState On(string day, int threshold = 1) => clock.On(Calendar, D(day), threshold);
        Assert.Equal(D("2021-10-12"), On("2021-09-30").Due);
        Assert.Equal((5, DeadlineStatus.Normal), (On("2021-09-29").Remaining, On("2021-09-29").Status));
        Assert.Equal((3, DeadlineStatus.Normal), (On("2021-10-08").Remaining, On("2021-10-08").Status));
        Assert.Equal((2, DeadlineStatus.Normal), (On("2021-10-10").Remaining, On("2021-10-10").Status));
        Assert.Equal((1, DeadlineStatus.Yellow), (On("2021-10-11").Remaining, On("2021-10-11").Status));
        Assert.Equal((0, DeadlineStatus.Yellow), (On("2021-10-12").Remaining, On("2021-10-12").Status));
        Assert.Equal((-1, DeadlineStatus.Red), (On("2021-10-13").Remaining, On("2021-10-13").Status));
        // a configurable threshold: two working days left is already yellow
        Assert.Equal(DeadlineStatus.Yellow, On("2021-10-10", threshold: 2).Status);
        Assert.Equal(DeadlineStatus.Normal, On("2021-10-08", threshold: 2).Status);
        Assert.Contains(On("2021-10-01").Explanation, l => l.Contains("2021-10-01 至 2021-10-07 国庆节放假，不计入期限"));
        Assert.Contains(On("2021-10-01").Explanation, l => l.Contains("2021-10-09（星期六）调休上班，计入期限"));
    }

    [Fact]
    public void Suspended_working_days_do_not_count_and_the_clock_resumes_after_the_suspension()
    {
        var open = new DeadlineClock(Accepted, 5, [new Suspension(D("2021-10-08"), null, "补正材料")], []);
        var during = open.On(Calendar, D("2021-10-11"));
        Assert.Equal(DeadlineStatus.Suspended, during.Status);
        Assert.Null(during.Due);
        Assert.Equal(4, during.Remaining); // only 2021-09-30 was used
        Assert.Contains(during.Explanation, l => l.Contains("补正材料暂停 自 2021-10-08 起，尚未恢复"));

        var resumed = open with { Suspensions = [new Suspension(D("2021-10-08"), D("2021-10-11"), "补正材料")] };
        var inside = resumed.On(Calendar, D("2021-10-09"));
        Assert.Equal((DeadlineStatus.Suspended, 4, D("2021-10-15")), (inside.Status, inside.Remaining, inside.Due));
        var after = resumed.On(Calendar, D("2021-10-12"));
        // 10-08, 10-09 (调休) and 10-11 are suspended: 09-30, then 10-12 … 10-15
        Assert.Equal(D("2021-10-15"), after.Due);
        Assert.Equal(3, after.Remaining);
        Assert.Equal(DeadlineStatus.Normal, after.Status);
        Assert.Contains("补正材料暂停 2021-10-08 至 2021-10-11，截止日顺延 3 个工作日", after.Explanation);
        Assert.Contains("截止日 2021-10-15（星期五）", after.Explanation);
    }

    [Fact]
    public void A_suspension_over_a_holiday_moves_the_due_date_by_its_working_days_only()
    {
        var clock = new DeadlineClock(Accepted, 5, [new Suspension(D("2021-10-01"), D("2021-10-08"), "专家评审")], []);
        var state = clock.On(Calendar, D("2021-10-09"));
        Assert.Equal(D("2021-10-13"), state.Due);
        Assert.Contains("专家评审暂停 2021-10-01 至 2021-10-08，截止日顺延 1 个工作日", state.Explanation);
    }

    [Fact]
    public void An_extension_adds_working_days_to_the_due_date()
    {
        var clock = new DeadlineClock(Accepted, 5, [], [new Extension(3, "情况复杂，经负责人批准")]);
        var state = clock.On(Calendar, D("2021-10-12"));
        Assert.Equal(D("2021-10-15"), state.Due);
        Assert.Equal(3, state.Remaining);
        Assert.Equal(DeadlineStatus.Normal, state.Status);
        Assert.Contains("延长办理期限 3 个工作日（情况复杂，经负责人批准），截止日顺延 3 个工作日", state.Explanation);
    }

    [Fact]
    public void A_case_is_due_with_its_last_item_and_carries_its_worst_card()
    {
        var late = new DeadlineClock(D("2021-09-01"), 5).On(Calendar, D("2021-10-11"));
        var fine = new DeadlineClock(Accepted, 20).On(Calendar, D("2021-10-11"));
        var whole = CaseDeadline.Of([late, fine]);
        Assert.Equal(DeadlineStatus.Red, whole.Status);
        Assert.Equal(fine.Due, whole.Due);
    }

    [Fact]
    public void A_clock_given_out_of_order_dates_is_refused_in_Chinese()
    {
        var before = new DeadlineClock(Accepted, 5, [new Suspension(D("2021-09-28"), D("2021-10-08"), "补正材料")], []);
        Assert.Contains("应晚于受理日", Assert.Throws<DeadlineException>(() => before.On(Calendar, Accepted)).Message);
        var backwards = new DeadlineClock(Accepted, 5, [new Suspension(D("2021-10-08"), D("2021-10-01"), "补正材料")], []);
        Assert.Contains("早于暂停开始日", Assert.Throws<DeadlineException>(() => backwards.On(Calendar, Accepted)).Message);
    }

    // ---- the files ----

    [Fact]
    public void The_files_cover_2020_to_2026_and_cite_their_notices()
    {
        Assert.Equal(Enumerable.Range(2020, 7), Years.Select(y => y.Year));
        Assert.Equal("国办发明电〔2019〕16号", Years[0].Notice);
        Assert.Equal("国办发明电〔2024〕12号", Years[5].Notice);
        Assert.All(Years, y => Assert.StartsWith($"国务院办公厅关于{y.Year}年部分节假日安排的通知", y.Title));
    }

    [Theory]
    [InlineData("work: [2021-09-27]", "调休上班日 2021-09-27 是星期一，不是周末", 9)]
    [InlineData("work: [2022-09-25]", "2022-09-25 不在 2021 年内", 9)]
    [InlineData("work: [2021-10-02]", "调休上班日 2021-10-02 在放假期间内", 9)]
    [InlineData("work: [2021-9-26x]", "不是日期", 9)]
    public void A_broken_file_is_reported_with_file_line_and_column(string workLine, string message, int line)
    {
        var text = $"""
            year: 2021
            notice: 国办发明电〔2020〕27号
            title: 国务院办公厅关于2021年部分节假日安排的通知
            holidays:
              - name: 中秋节
                off: [2021-09-19, 2021-09-21]
              - name: 国庆节
                off: [2021-10-01, 2021-10-07]
                {workLine}
            """;
        var e = Assert.Throws<CatalogException>(() => CalendarFiles.LoadText(text, "catalog/calendar/holidays-2021.yaml"));
        var error = Assert.Single(e.Errors);
        Assert.Contains(message, error.Message);
        Assert.Equal(line, error.Pos.Line);
        Assert.True(error.Pos.Column > 1);
        Assert.StartsWith("catalog/calendar/holidays-2021.yaml:9:", error.ToString());
    }

    [Fact]
    public void Overlapping_holidays_are_refused()
    {
        const string text = """
            year: 2021
            notice: x
            title: y
            holidays:
              - name: 中秋节
                off: [2021-09-19, 2021-09-21]
              - name: 国庆节
                off: [2021-09-21, 2021-10-07]
            """;
        var e = Assert.Throws<CatalogException>(() => CalendarFiles.LoadText(text, "holidays-2021.yaml"));
        Assert.Contains(e.Errors, x => x.Message.Contains("2021-09-21 与“中秋节”重叠") && x.Pos.Line == 7);
    }
}
