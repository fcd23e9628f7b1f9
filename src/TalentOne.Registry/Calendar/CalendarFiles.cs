using System.Globalization;
using TalentOne.Policies.Language;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace TalentOne.Registry.Calendar;

/// <summary>One holiday of a State Council notice: the days off (inclusive) and its adjusted working days (调休上班).</summary>
public sealed record HolidayEntry(string Name, DateOnly From, DateOnly To, IReadOnlyList<DateOnly> WorkDays, string? AmendedBy, string? Note, SourcePos Pos);

/// <summary>One year's notice (国务院办公厅关于YYYY年部分节假日安排的通知).</summary>
public sealed record HolidayYear(int Year, string Notice, string Title, IReadOnlyList<HolidayEntry> Holidays, string File);

/// <summary>Loads catalog/calendar/holidays-YYYY.yaml. Every problem is reported with file:line:col, all at once.</summary>
public static class CalendarFiles
{
    public const string Folder = "calendar";

    public static IReadOnlyList<HolidayYear> Load(string catalogRoot)
    {
        var dir = Path.Combine(catalogRoot, Folder);
        var errors = new List<CatalogError>();
        var years = new List<HolidayYear>();
        if (!Directory.Exists(dir))
            throw new CatalogException([new CatalogError(new SourcePos($"catalog/{Folder}", 0, 0), "缺少工作日历目录（holidays-YYYY.yaml）")]);
        foreach (var file in Directory.EnumerateFiles(dir, "holidays-*.yaml").Order(StringComparer.Ordinal))
        {
            var year = LoadFile(file, $"catalog/{Folder}/{Path.GetFileName(file)}", errors);
            if (year == null) continue;
            if (years.FirstOrDefault(y => y.Year == year.Year) is { } other)
                errors.Add(new CatalogError(new SourcePos(year.File, 1, 1), $"{year.Year} 年已由 {other.File} 定义"));
            else years.Add(year);
        }
        if (years.Count == 0 && errors.Count == 0)
            errors.Add(new CatalogError(new SourcePos($"catalog/{Folder}", 0, 0), "工作日历目录中没有 holidays-YYYY.yaml 文件"));
        var ordered = years.OrderBy(y => y.Year).ToList();
        // A year whose file has errors is missing from the list; only a truly absent year is reported as a gap.
        for (int i = 1; i < ordered.Count && errors.Count == 0; i++)
            if (ordered[i].Year != ordered[i - 1].Year + 1)
                errors.Add(new CatalogError(new SourcePos(ordered[i].File, 1, 1), $"缺少 {ordered[i - 1].Year + 1} 年的节假日文件：年份须连续"));
        if (errors.Count > 0) throw new CatalogException(errors);
        return ordered;
    }

    /// <summary>Parses one year's file from text (tests use this to check the rules on broken files).</summary>
    public static HolidayYear LoadText(string text, string fileLabel)
    {
        var errors = new List<CatalogError>();
        var year = Parse(text, fileLabel, errors);
        if (errors.Count > 0 || year == null) throw new CatalogException(errors);
        return year;
    }

    private static HolidayYear? LoadFile(string path, string label, List<CatalogError> errors) => Parse(File.ReadAllText(path), label, errors);

    private static SourcePos At(string file, YamlNode node) => new(file, (int)node.Start.Line, (int)node.Start.Column);

    private static HolidayYear? Parse(string text, string file, List<CatalogError> errors)
    {
        var stream = new YamlStream();
        try { stream.Load(new StringReader(text)); }
        catch (YamlException ye)
        {
            errors.Add(new CatalogError(new SourcePos(file, (int)ye.Start.Line, (int)ye.Start.Column), "YAML 语法错误：" + ye.Message));
            return null;
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            errors.Add(new CatalogError(new SourcePos(file, 1, 1), "文件应为一个映射（year、notice、title、holidays）"));
            return null;
        }
        int before = errors.Count;
        foreach (var key in root.Children.Keys)
            if (key is YamlScalarNode { Value: not ("year" or "notice" or "title" or "holidays") } k)
                errors.Add(new CatalogError(At(file, k), $"未知的键“{k.Value}”（可用：year、notice、title、holidays）"));

        string? Scalar(YamlMappingNode map, string key, bool required)
        {
            if (!map.Children.TryGetValue(key, out var v))
            {
                if (required) errors.Add(new CatalogError(At(file, map), $"缺少 {key}"));
                return null;
            }
            if (v is YamlScalarNode { Value: { Length: > 0 } s }) return s;
            errors.Add(new CatalogError(At(file, v), $"{key} 应为文字"));
            return null;
        }

        var yearText = Scalar(root, "year", true);
        int year = 0;
        if (yearText != null && (!int.TryParse(yearText, NumberStyles.None, CultureInfo.InvariantCulture, out year) || year is < 1990 or > 2100))
        {
            errors.Add(new CatalogError(At(file, root["year"]), $"year“{yearText}”不是有效年份"));
            year = 0;
        }
        var name = Path.GetFileNameWithoutExtension(file);
        if (year != 0 && name.StartsWith("holidays-", StringComparison.Ordinal) && name != $"holidays-{year}")
            errors.Add(new CatalogError(At(file, root["year"]), $"文件名应为 holidays-{year}.yaml"));
        var notice = Scalar(root, "notice", true);
        var title = Scalar(root, "title", true);

        var entries = new List<HolidayEntry>();
        if (!root.Children.TryGetValue("holidays", out var hs) || hs is not YamlSequenceNode seq)
        {
            errors.Add(new CatalogError(At(file, root), "缺少 holidays 列表"));
            return null;
        }
        foreach (var item in seq.Children)
        {
            if (item is not YamlMappingNode m)
            {
                errors.Add(new CatalogError(At(file, item), "每个节日应为映射（name、off、work、note）"));
                continue;
            }
            foreach (var key in m.Children.Keys)
                if (key is YamlScalarNode { Value: not ("name" or "off" or "work" or "note" or "amendedBy") } k)
                    errors.Add(new CatalogError(At(file, k), $"未知的键“{k.Value}”（可用：name、off、work、note、amendedBy）"));
            var hname = Scalar(m, "name", true) ?? "?";
            var off = Dates(m, "off", year, file, errors);
            var work = Dates(m, "work", year, file, errors);
            if (m.Children.TryGetValue("off", out var offNode) && off != null && off.Count != 2)
            {
                errors.Add(new CatalogError(At(file, offNode), "off 应为 [起始日, 结束日]（含两端）"));
                continue;
            }
            if (off == null) continue;
            var (from, fromPos) = off[0];
            var (to, _) = off[1];
            if (to < from) { errors.Add(new CatalogError(fromPos, $"{hname}：结束日 {to:yyyy-MM-dd} 早于起始日 {from:yyyy-MM-dd}")); continue; }
            foreach (var (d, pos) in work ?? [])
            {
                if (d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
                    errors.Add(new CatalogError(pos, $"{hname}：调休上班日 {d:yyyy-MM-dd} 是{WorkingCalendar.WeekdayName(d)}，不是周末（工作日本来就上班）"));
                if (d >= from && d <= to)
                    errors.Add(new CatalogError(pos, $"{hname}：调休上班日 {d:yyyy-MM-dd} 在放假期间内"));
            }
            entries.Add(new HolidayEntry(hname, from, to, (work ?? []).Select(w => w.Date).ToList(), Scalar(m, "amendedBy", false), Scalar(m, "note", false), At(file, m)));
        }
        // Overlaps: days off against days off and adjusted working days of other entries, and repeated working days.
        var claimed = new Dictionary<DateOnly, HolidayEntry>();
        foreach (var e in entries)
        {
            for (var d = e.From; d <= e.To; d = d.AddDays(1))
                if (!claimed.TryAdd(d, e))
                    errors.Add(new CatalogError(e.Pos, $"{e.Name}：{d:yyyy-MM-dd} 与“{claimed[d].Name}”重叠"));
            foreach (var w in e.WorkDays.Where(w => w < e.From || w > e.To))
                if (!claimed.TryAdd(w, e))
                    errors.Add(new CatalogError(e.Pos, $"{e.Name}：调休上班日 {w:yyyy-MM-dd} 与“{claimed[w].Name}”重叠"));
        }
        if (errors.Count > before || year == 0) return null;
        return new HolidayYear(year, notice!, title!, entries, file);
    }

    private static List<(DateOnly Date, SourcePos Pos)>? Dates(YamlMappingNode m, string key, int year, string file, List<CatalogError> errors)
    {
        if (!m.Children.TryGetValue(key, out var node)) return null;
        if (node is not YamlSequenceNode seq)
        {
            errors.Add(new CatalogError(At(file, node), $"{key} 应为日期列表，如 [2021-10-01, 2021-10-07]"));
            return null;
        }
        var list = new List<(DateOnly, SourcePos)>();
        foreach (var item in seq.Children)
        {
            var pos = At(file, item);
            if (item is not YamlScalarNode { Value: { } s } || !DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            {
                errors.Add(new CatalogError(pos, $"“{(item as YamlScalarNode)?.Value}”不是日期（yyyy-mm-dd）"));
                return null;
            }
            if (year != 0 && d.Year != year)
                errors.Add(new CatalogError(pos, $"{d:yyyy-MM-dd} 不在 {year} 年内"));
            list.Add((d, pos));
        }
        return list;
    }
}
