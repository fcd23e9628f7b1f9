using MiniExcelLibs;

namespace TalentOne.Registry.Roster;

/// <summary>A file that cannot be imported at all (not .xlsx, too large, no header row, a required column missing …):
/// each reason in Chinese. Nothing is stored.</summary>
public sealed class RosterFileException(IReadOnlyList<string> problems) : Exception(string.Join("；", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;

    public RosterFileException(string problem) : this([problem]) { }
}

/// <summary>A column of the uploaded sheet: its letter, its header as written, and the format's column it matched (null:
/// unknown, ignored).</summary>
public sealed record SheetColumn(string Letter, string Header, RosterColumn? Column);

/// <summary>A data row: its Excel row number and its cells by column letter.</summary>
public sealed record SheetRow(int Number, IReadOnlyDictionary<string, object?> Cells)
{
    public object? this[string letter] => Cells.GetValueOrDefault(letter);
}

public sealed record RosterSheet(string SheetName, int HeaderRow, IReadOnlyList<SheetColumn> Columns, IReadOnlyList<SheetRow> Rows);

/// <summary>Reads the first sheet of an .xlsx roster: finds the header row (title rows above it are allowed), matches its
/// columns to the roster format and collects the non-empty rows below it.</summary>
public static class RosterReader
{
    public const long MaxBytes = 5 * 1024 * 1024;
    public const int MaxRows = 10_000;
    /// <summary>How far down the header row is looked for (title and note rows above it).</summary>
    public const int HeaderSearchRows = 20;

    /// <summary>True when the bytes start like a zip archive (every .xlsx is one).</summary>
    public static bool LooksLikeZip(ReadOnlySpan<byte> head) => head.Length >= 4 && head[0] == 0x50 && head[1] == 0x4B && head[2] == 0x03 && head[3] == 0x04;

    private static bool LooksLikeOldExcel(ReadOnlySpan<byte> head) =>
        head.Length >= 8 && head[..8].SequenceEqual(new byte[] { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 });

    public static RosterSheet Read(byte[] file, RosterFormat format, int maxRows = MaxRows)
    {
        if (file.Length == 0) throw new RosterFileException("上传的文件是空的");
        if (file.Length > MaxBytes) throw new RosterFileException($"文件过大（{file.Length / 1024.0 / 1024.0:0.0} MB）：名册文件不能超过 {MaxBytes / 1024 / 1024} MB，请分批导入");
        if (LooksLikeOldExcel(file)) throw new RosterFileException("这是旧版 Excel（.xls）文件：请在 Excel 中“另存为” .xlsx 格式后再上传");
        if (!LooksLikeZip(file)) throw new RosterFileException("文件不是 Excel（.xlsx）格式：请上传用 Excel 或 WPS 保存的 .xlsx 文件（不支持 .csv、.xls 或改了扩展名的其他文件）");

        try
        {
            using var stream = new MemoryStream(file, writable: false);
            var sheets = MiniExcel.GetSheetNames(stream);
            if (sheets.Count == 0) throw new RosterFileException("文件中没有工作表");
            var sheetName = sheets[0];
            stream.Position = 0;
            int number = 0, headerRow = 0;
            List<SheetColumn>? columns = null;
            var rows = new List<SheetRow>();
            foreach (IDictionary<string, object?> cells in stream.Query(useHeaderRow: false, sheetName: sheetName, excelType: ExcelType.XLSX))
            {
                number++;
                if (columns == null)
                {
                    if (number > HeaderSearchRows) break;
                    var found = Header(cells, format);
                    if (found != null) { columns = found; headerRow = number; }
                    continue;
                }
                if (cells.Values.All(v => RosterCells.Text(v) == null)) continue;
                if (rows.Count == maxRows)
                    throw new RosterFileException($"数据超过 {maxRows} 行：一次最多导入 {maxRows} 行，请分成几个文件导入");
                rows.Add(new SheetRow(number, new Dictionary<string, object?>(cells, StringComparer.Ordinal)));
            }
            if (columns == null)
                throw new RosterFileException($"第一个工作表“{sheetName}”的前 {HeaderSearchRows} 行中找不到表头：表头行应包含“姓名”“身份证号”“手机号”等列名（可下载导入模板对照）");
            var problems = new List<string>();
            foreach (var dup in columns.Where(c => c.Column != null).GroupBy(c => c.Column).Where(g => g.Count() > 1))
                problems.Add($"“{dup.Key!.Header}”列出现了 {dup.Count()} 次（{string.Join("、", dup.Select(c => c.Letter + " 列"))}），请只保留一列");
            foreach (var missing in format.Columns.Where(c => c.Required && columns.All(s => s.Column != c)))
                problems.Add($"缺少必填列“{missing.Header}”（表头在第 {headerRow} 行）");
            if (problems.Count == 0 && rows.Count == 0) problems.Add($"表头（第 {headerRow} 行）下面没有数据行");
            if (problems.Count > 0) throw new RosterFileException(problems);
            return new RosterSheet(sheetName, headerRow, columns, rows);
        }
        catch (RosterFileException) { throw; }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // MiniExcel fails in many ways on a damaged or foreign archive; for the user they are all the same answer.
            throw new RosterFileException("文件已损坏或不是有效的 Excel（.xlsx）文件，无法读取：请用 Excel 或 WPS 打开后重新保存为 .xlsx 再上传");
        }
    }

    /// <summary>The row's columns when at least two of its cells name roster columns; otherwise null (not the header).</summary>
    private static List<SheetColumn>? Header(IDictionary<string, object?> cells, RosterFormat format)
    {
        var columns = new List<SheetColumn>();
        int known = 0;
        foreach (var (letter, value) in cells)
        {
            if (RosterCells.Text(value) is not { } header) continue;
            var column = format.Match(header);
            if (column != null) known++;
            columns.Add(new SheetColumn(letter, header.ReplaceLineEndings(""), column));
        }
        return known >= 2 ? columns : null;
    }
}
