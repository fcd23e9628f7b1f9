using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace TalentOne.Data.Roster;

public enum RosterImportStatus { Pending = 1, Committed = 2, Discarded = 3 }

/// <summary>What committing a row does: create a record, update one, nothing (the record already says the same), or
/// nothing because the row has errors.</summary>
public enum RosterRowAction { Create = 1, Update = 2, Unchanged = 3, Invalid = 4 }

/// <summary>An uploaded talent roster (人才名册) between upload and commit: the validated rows, the report and the counts
/// the preview states before anything is written to the register. Committing or discarding ends it; the report stays.</summary>
public sealed class RosterImport
{
    public long Id { get; set; }
    public required string FileName { get; set; }
    public long FileSize { get; set; }
    public required string SheetName { get; set; }
    /// <summary>Excel row number of the header row.</summary>
    public int HeaderRow { get; set; }
    public RosterImportStatus Status { get; set; }
    /// <summary>The city the uploader may import for (null: the talent office, every city). Staff of that city see the import.</summary>
    public string? ScopeCity { get; set; }
    public int RowCount { get; set; }
    public int ValidCount { get; set; }
    public int InvalidCount { get; set; }
    public int CreateCount { get; set; }
    public int UpdateCount { get; set; }
    public int UnchangedCount { get; set; }
    /// <summary>The sheet's columns: letter, header, what each maps to (JSON array).</summary>
    public string ColumnsJson { get; set; } = "[]";
    /// <summary>Problems of the file as a whole, e.g. unknown columns (JSON array).</summary>
    public string FileIssuesJson { get; set; } = "[]";
    public required string CatalogVersion { get; set; }
    /// <summary>The day the rows were validated on (dates in the future, ages).</summary>
    public DateOnly ValidatedOn { get; set; }
    public required string CreatedByUserId { get; set; }
    public string? DepartmentId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>"all" or "valid-only".</summary>
    public string? CommitMode { get; set; }
    public string? FinishedByUserId { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public int CreatedRecords { get; set; }
    public int UpdatedRecords { get; set; }
    /// <summary>Two commits (or a commit and a discard) of one import cannot both succeed.</summary>
    public int Version { get; set; }
}

/// <summary>One data row of an uploaded roster, validated. Identity numbers are encrypted (and dropped once the import is
/// committed or discarded); the cells kept for the report have them masked.</summary>
public sealed class RosterImportRow
{
    public long Id { get; set; }
    public long ImportId { get; set; }
    /// <summary>Excel row number.</summary>
    public int RowNumber { get; set; }
    public RosterRowAction Action { get; set; }
    public string? Name { get; set; }
    public byte[]? IdCipher { get; set; }
    public string? IdIndex { get; set; }
    public string? IdMasked { get; set; }
    public byte[]? MobileCipher { get; set; }
    public string? MobileMasked { get; set; }
    /// <summary>The existing record an update applies to, and its version when the preview was made.</summary>
    public long? SubjectId { get; set; }
    public int? SubjectVersion { get; set; }
    /// <summary>The employer's record, found by its unified social credit code.</summary>
    public long? EmployerId { get; set; }
    /// <summary>For an unclaimed existing record: its mobile number is replaced by the roster's.</summary>
    public bool UpdateMobile { get; set; }
    /// <summary>Facts the commit sets: {"education.level": "doctorate", …}.</summary>
    public string FactsJson { get; set; } = "{}";
    /// <summary>The row's cells as shown in the report, by column letter (ID and mobile masked).</summary>
    public string CellsJson { get; set; } = "{}";
    /// <summary>Errors and warnings of this row, each naming its column (JSON array).</summary>
    public string IssuesJson { get; set; } = "[]";
}

internal sealed class RosterImportConfig : IEntityTypeConfiguration<RosterImport>
{
    public void Configure(EntityTypeBuilder<RosterImport> e)
    {
        e.ToTable("roster_imports");
        e.Property(x => x.FileName).HasMaxLength(260);
        e.Property(x => x.SheetName).HasMaxLength(100);
        e.Property(x => x.ScopeCity).HasMaxLength(32);
        e.Property(x => x.ColumnsJson).HasMaxLength(64_000);
        e.Property(x => x.FileIssuesJson).HasMaxLength(64_000);
        e.Property(x => x.CatalogVersion).HasMaxLength(100);
        e.Property(x => x.CreatedByUserId).HasMaxLength(64);
        e.Property(x => x.DepartmentId).HasMaxLength(64);
        e.Property(x => x.CommitMode).HasMaxLength(16);
        e.Property(x => x.FinishedByUserId).HasMaxLength(64);
        e.Property(x => x.Version).IsConcurrencyToken();
        e.HasIndex(x => new { x.ScopeCity, x.CreatedAt });
    }
}

internal sealed class RosterImportRowConfig : IEntityTypeConfiguration<RosterImportRow>
{
    public void Configure(EntityTypeBuilder<RosterImportRow> e)
    {
        e.ToTable("roster_import_rows");
        e.HasOne<RosterImport>().WithMany().HasForeignKey(x => x.ImportId).OnDelete(DeleteBehavior.Cascade);
        e.Property(x => x.Name).HasMaxLength(200);
        e.Property(x => x.IdIndex).HasMaxLength(64);
        e.Property(x => x.IdMasked).HasMaxLength(32);
        e.Property(x => x.MobileMasked).HasMaxLength(16);
        e.Property(x => x.FactsJson).HasMaxLength(16_000);
        e.Property(x => x.CellsJson).HasMaxLength(16_000);
        e.Property(x => x.IssuesJson).HasMaxLength(16_000);
        e.HasIndex(x => new { x.ImportId, x.RowNumber }).IsUnique();
    }
}
