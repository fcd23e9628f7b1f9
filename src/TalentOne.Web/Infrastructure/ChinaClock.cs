namespace TalentOne.Web.Infrastructure;

/// <summary>"Today" for the services of Zhejiang: the calendar day in China Standard Time (UTC+8, no daylight saving),
/// whatever the server's time zone.</summary>
public static class ChinaClock
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);

    public static DateOnly Today(this TimeProvider clock) => DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(Offset).DateTime);

    /// <summary>The day a package, a record or a sweep is evaluated as of: yyyy-mm-dd within the years the engine answers
    /// for; empty means today. The message is the one every page and endpoint shows.</summary>
    public static bool TryEvaluationDate(this TimeProvider clock, string? text, out DateOnly date, out string? error)
    {
        error = null;
        date = clock.Today();
        if (string.IsNullOrWhiteSpace(text)) return true;
        if (DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var d)
            && d.Year is >= TalentOne.Policies.Profiles.ProfileReader.MinYear and <= TalentOne.Policies.Profiles.ProfileReader.MaxYear)
        {
            date = d;
            return true;
        }
        error = $"评估日期应为 {TalentOne.Policies.Profiles.ProfileReader.MinYear}–{TalentOne.Policies.Profiles.ProfileReader.MaxYear} 年间的日期，格式 yyyy-mm-dd，例如 2021-08-01";
        return false;
    }
}
