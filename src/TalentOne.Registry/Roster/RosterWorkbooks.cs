using MiniExcelLibs;
using TalentOne.Data.Roster;

namespace TalentOne.Registry.Roster;

/// <summary>A sheet as a header row and value rows (numbers stay numbers, so Excel can add them up).</summary>
public sealed record XlsxSheet(string Name, IReadOnlyList<string> Headers, IReadOnlyList<object?[]> Rows);

/// <summary>Writes .xlsx workbooks with MiniExcel. Every sheet's first row is its header, written as data so that
/// sheets may have different columns and an empty sheet still shows its header.</summary>
public static class Xlsx
{
    public const string ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static byte[] Write(IEnumerable<XlsxSheet> sheets)
    {
        var book = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var s in sheets)
        {
            var table = new List<Dictionary<string, object?>>(s.Rows.Count + 1) { Row(s.Headers.Cast<object?>().ToArray(), s.Headers.Count) };
            table.AddRange(s.Rows.Select(r => Row(r, s.Headers.Count)));
            book[s.Name] = table;
        }
        using var stream = new MemoryStream();
        stream.SaveAs(book, printHeader: false, excelType: ExcelType.XLSX);
        return stream.ToArray();
    }

    private static Dictionary<string, object?> Row(object?[] values, int width)
    {
        var row = new Dictionary<string, object?>(width, StringComparer.Ordinal);
        for (int i = 0; i < width; i++) row[Letter(i)] = i < values.Length ? values[i] : null;
        return row;
    }

    /// <summary>Excel's column letters: 0 → A, 25 → Z, 26 → AA.</summary>
    public static string Letter(int index)
    {
        var s = "";
        for (index++; index > 0; index = (index - 1) / 26) s = (char)('A' + (index - 1) % 26) + s;
        return s;
    }
}

/// <summary>The .xlsx files the roster import hands out: the empty template with its instructions, and the report of
/// an upload (the rows as read, ID numbers and mobiles masked, with what happens to each and why).</summary>
public static class RosterWorkbooks
{
    /// <summary>First sheet: the header row only (the importer reads the first sheet; required columns marked *).
    /// Second sheet: what each column takes.</summary>
    public static byte[] Template(RosterFormat format)
    {
        var columns = format.Columns.Where(c => c.Field != RosterField.Ignore || c.Header == "序号").ToList();
        return Xlsx.Write([
            new XlsxSheet("人才名册", [.. columns.Select(c => c.Header + (c.Required ? "*" : ""))], []),
            new XlsxSheet("填写说明", ["列名", "必填", "也可写作", "对应档案字段", "填写内容", "说明"],
                [.. format.Columns.Select(c => new object?[]
                {
                    c.Header, c.Required ? "是" : "", string.Join("、", c.Aliases),
                    c.Fact != null ? $"{c.Fact.Label}（{c.Fact.Path}）" : c.Field == RosterField.Ignore ? "不导入" : "",
                    c.Accepts, c.Note ?? "",
                })]),
        ]);
    }

    /// <summary>The uploaded rows as read: 行号, the sheet's own columns (ID number and mobile masked), 处理结果, 错误说明;
    /// and a sheet 概况 with the counts and what committing will do.</summary>
    public static byte[] Report(RosterImport import, IReadOnlyList<RosterColumnInfo> columns, IReadOnlyList<RosterImportRow> rows,
        IReadOnlyList<RosterIssue> fileIssues)
    {
        var headers = new List<string> { "行号" };
        headers.AddRange(columns.Select(c => c.Header));
        headers.Add("处理结果");
        headers.Add("错误说明");
        var table = rows.Select(r =>
        {
            var cells = RosterImportService.Cells(r);
            var issues = RosterImportService.Issues(r);
            var line = new List<object?> { r.RowNumber };
            line.AddRange(columns.Select(c => (object?)cells.GetValueOrDefault(c.Letter)));
            line.Add(RosterReport.ActionText(r.Action));
            line.Add(string.Join("；", issues.Select(i => (i.Severity == RosterIssue.Warning ? "【提示】" : "") + i.Text)));
            return line.ToArray();
        }).ToList();
        var counts = new RosterCounts(import.RowCount, import.ValidCount, import.InvalidCount, import.CreateCount, import.UpdateCount, import.UnchangedCount);
        var summary = new List<object?[]>
        {
            new object?[] { "文件", import.FileName },
            new object?[] { "工作表", $"{import.SheetName}（表头在第 {import.HeaderRow} 行）" },
            new object?[] { "状态", RosterReport.StatusTextOf(import.Status) },
            new object?[] { "数据行数", import.RowCount },
            new object?[] { "无误", import.ValidCount },
            new object?[] { "有误", import.InvalidCount },
            new object?[] { "新建档案", import.CreateCount },
            new object?[] { "更新档案", import.UpdateCount },
            new object?[] { "与档案一致", import.UnchangedCount },
            new object?[] { "只导入无误的行", RosterReport.StatementFor(counts, skipInvalid: true) },
        };
        summary.AddRange(fileIssues.Select(i => new object?[] { "提示", i.Text }));
        return Xlsx.Write([new XlsxSheet("导入报告", headers, table), new XlsxSheet("概况", ["项目", "内容"], summary)]);
    }
}
