using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using TalentOne.Data;
using TalentOne.Data.Calendar;
using TalentOne.Policies.Profiles;

namespace TalentOne.Registry.Calendar;

/// <summary>The holiday files of a catalog folder, parsed once per folder and file set (a changed file is re-read).</summary>
public sealed class CalendarFilesCache
{
    private readonly ConcurrentDictionary<string, (string Stamp, IReadOnlyList<HolidayYear> Years)> _byRoot = new();

    public IReadOnlyList<HolidayYear> Get(string catalogRoot)
    {
        var dir = Path.Combine(catalogRoot, CalendarFiles.Folder);
        var stamp = Directory.Exists(dir)
            ? string.Join("|", Directory.EnumerateFiles(dir, "holidays-*.yaml").Order(StringComparer.Ordinal).Select(f => $"{f}@{File.GetLastWriteTimeUtc(f).Ticks}"))
            : "";
        if (_byRoot.TryGetValue(catalogRoot, out var hit) && hit.Stamp == stamp) return hit.Years;
        var years = CalendarFiles.Load(catalogRoot);
        _byRoot[catalogRoot] = (stamp, years);
        return years;
    }
}

/// <summary>An override as asked for: raw text, validated by <see cref="CalendarService.AddOverrideAsync"/>.</summary>
public sealed record CalendarOverrideRequest(string? Date, string? Kind, string? Reason);

/// <summary>The working calendar in force: catalog/calendar merged with the administrators' overrides (newest per date wins).</summary>
public sealed class CalendarService(TalentOneDb db, CalendarFilesCache files)
{
    public const int MaxReason = 200;

    public async Task<WorkingCalendar> CurrentAsync(string catalogRoot, CancellationToken ct) =>
        new(files.Get(catalogRoot), await EffectiveOverridesAsync(ct));

    /// <summary>The newest override of each date.</summary>
    public async Task<List<DayOverride>> EffectiveOverridesAsync(CancellationToken ct)
    {
        var rows = await db.Set<CalendarOverride>().AsNoTracking().OrderBy(o => o.Id).ToListAsync(ct);
        return rows.GroupBy(r => r.Date).Select(g => g.Last()).Select(r => new DayOverride(r.Date, ToKind(r.Kind), r.Reason)).ToList();
    }

    /// <summary>Every override row of a year, newest first (the history, including superseded ones).</summary>
    public Task<List<CalendarOverride>> OverridesOfYearAsync(int year, CancellationToken ct)
    {
        var (from, to) = (new DateOnly(year, 1, 1), new DateOnly(year, 12, 31));
        return db.Set<CalendarOverride>().AsNoTracking().Where(o => o.Date >= from && o.Date <= to).OrderByDescending(o => o.Id).ToListAsync(ct);
    }

    /// <summary>Validates and stores an override; nothing is stored when there is any error.</summary>
    public async Task<(CalendarOverride? Stored, List<ProfileError> Errors)> AddOverrideAsync(
        CalendarOverrideRequest request, string userId, string catalogRoot, DateTimeOffset now, CancellationToken ct)
    {
        var errors = new List<ProfileError>();
        var years = files.Get(catalogRoot);
        DateOnly date = default;
        if (string.IsNullOrWhiteSpace(request.Date)) errors.Add(new("date", "请填写日期（如 2021-10-09）"));
        else if (!DateOnly.TryParseExact(request.Date.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
            errors.Add(new("date", $"“{Clip(request.Date)}”不是有效日期，请按 yyyy-mm-dd 填写，如 2021-10-09"));
        else if (date.Year < years[0].Year || date.Year > years[^1].Year)
            errors.Add(new("date", $"日期 {date:yyyy-MM-dd} 不在工作日历的年份范围内（{years[0].Year}—{years[^1].Year} 年）；新的年度请先在 catalog/calendar 中添加节假日文件"));
        if (string.IsNullOrWhiteSpace(request.Kind)) errors.Add(new("kind", "请选择调整类型：holiday（放假）、workday（上班）或 normal（恢复常规）"));
        else if (!CalendarOverrideKind.All.Contains(request.Kind.Trim()))
            errors.Add(new("kind", $"未知的调整类型“{Clip(request.Kind)}”，应为 holiday（放假）、workday（上班）或 normal（恢复常规）"));
        var reason = request.Reason?.Trim();
        if (string.IsNullOrEmpty(reason)) errors.Add(new("reason", "请填写调整原因及依据（如文件文号）"));
        else if (reason.Length > MaxReason) errors.Add(new("reason", $"原因不能超过 {MaxReason} 个字"));
        if (errors.Count > 0) return (null, errors);

        var row = new CalendarOverride { Date = date, Kind = request.Kind!.Trim(), Reason = reason!, CreatedBy = userId, CreatedAt = now };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Add(row);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return (row, errors);
    }

    public static OverrideKind ToKind(string kind) => kind switch
    {
        CalendarOverrideKind.Holiday => OverrideKind.Holiday,
        CalendarOverrideKind.Workday => OverrideKind.Workday,
        _ => OverrideKind.Normal,
    };

    public static string KindText(string kind) => kind switch
    {
        CalendarOverrideKind.Holiday => "放假",
        CalendarOverrideKind.Workday => "上班",
        _ => "恢复常规",
    };

    private static string Clip(string s) => s.Length > 20 ? s[..20] + "…" : s;
}
