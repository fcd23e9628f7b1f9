using System.Text.Json;
using TalentOne.Data.Roster;

namespace TalentOne.Registry.Roster;

/// <summary>Who imports: the user, their department, and the city they may import for (null: the talent office,
/// every city).</summary>
public sealed record RosterActor(string UserId, string? DepartmentId, string? ScopeCity);

/// <summary>One finding: the Excel row (null: the file as a whole), the column (letter and header as written) and a
/// Chinese message. "error" makes the row invalid; "warning" does not.</summary>
public sealed record RosterIssue(int? Row, string? Column, string? Header, string Message, string Severity = RosterIssue.Error)
{
    public const string Error = "error";
    public const string Warning = "warning";

    /// <summary>"C 列（身份证号）：…" as the report's 错误说明 column shows it.</summary>
    public string Text => Column == null ? Message : $"{Column} 列（{Header}）：{Message}";
}

/// <summary>A column of the uploaded sheet and what it was read as: a fact path, name / idNumber / mobile /
/// employerName / employerCreditCode, "ignore", or null (not recognised, ignored).</summary>
public sealed record RosterColumnInfo(string Letter, string Header, string? Maps, string MapsText);

public sealed record RosterCounts(int Rows, int Valid, int Invalid, int Create, int Update, int Unchanged);

public sealed record RosterRowSummary(int Row, string Action, string ActionText, string? Name, string? IdMasked, int Errors, int Warnings);

/// <summary>The preview (before commit) or the record (after) of a roster import.</summary>
public sealed record RosterReport(
    long Id, string FileName, string SheetName, int HeaderRow, string Status, string StatusText,
    string CreatedAt, string? ScopeCity, string CatalogVersion, string ValidatedOn,
    RosterCounts Counts, string Statement, string? StatementAll, bool CanCommitAll, bool CanCommitValidOnly,
    IReadOnlyList<RosterColumnInfo> Columns, IReadOnlyList<RosterIssue> FileIssues, IReadOnlyList<RosterIssue> Issues,
    IReadOnlyList<RosterRowSummary> Rows, string? CommitMode, string? FinishedAt, int CreatedRecords, int UpdatedRecords, string? Outcome)
{
    internal static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string ActionCode(RosterRowAction a) => a switch
    {
        RosterRowAction.Create => "create",
        RosterRowAction.Update => "update",
        RosterRowAction.Unchanged => "unchanged",
        _ => "invalid",
    };

    public static string ActionText(RosterRowAction a) => a switch
    {
        RosterRowAction.Create => "新建档案",
        RosterRowAction.Update => "更新档案",
        RosterRowAction.Unchanged => "与档案一致，无需更改",
        _ => "有误，不导入",
    };

    public static string StatusCodeOf(RosterImportStatus s) => s switch
    {
        RosterImportStatus.Pending => "pending",
        RosterImportStatus.Committed => "committed",
        _ => "discarded",
    };

    public static string StatusTextOf(RosterImportStatus s) => s switch
    {
        RosterImportStatus.Pending => "待确认（尚未写入档案）",
        RosterImportStatus.Committed => "已导入",
        _ => "已放弃",
    };

    /// <summary>"将新建 N 份档案、更新 M 份、跳过 K 行有误的数据" — what "only the valid rows" will do.</summary>
    public static string StatementFor(RosterCounts c, bool skipInvalid)
    {
        var s = $"将新建 {c.Create} 份档案、更新 {c.Update} 份";
        if (skipInvalid && c.Invalid > 0) s += $"、跳过 {c.Invalid} 行有误的数据";
        if (c.Unchanged > 0) s += $"；另有 {c.Unchanged} 行与已有档案一致，无需更改";
        return s;
    }
}
