using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TalentOne.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Roster : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "roster_imports",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    FileName = table.Column<string>(type: "TEXT", maxLength: 260, nullable: false),
                    FileSize = table.Column<long>(type: "INTEGER", nullable: false),
                    SheetName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    HeaderRow = table.Column<int>(type: "INTEGER", nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    ScopeCity = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    RowCount = table.Column<int>(type: "INTEGER", nullable: false),
                    ValidCount = table.Column<int>(type: "INTEGER", nullable: false),
                    InvalidCount = table.Column<int>(type: "INTEGER", nullable: false),
                    CreateCount = table.Column<int>(type: "INTEGER", nullable: false),
                    UpdateCount = table.Column<int>(type: "INTEGER", nullable: false),
                    UnchangedCount = table.Column<int>(type: "INTEGER", nullable: false),
                    ColumnsJson = table.Column<string>(type: "TEXT", maxLength: 64000, nullable: false),
                    FileIssuesJson = table.Column<string>(type: "TEXT", maxLength: 64000, nullable: false),
                    CatalogVersion = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    ValidatedOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    CreatedByUserId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    DepartmentId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    CommitMode = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    FinishedByUserId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    FinishedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    CreatedRecords = table.Column<int>(type: "INTEGER", nullable: false),
                    UpdatedRecords = table.Column<int>(type: "INTEGER", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_roster_imports", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "roster_import_rows",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ImportId = table.Column<long>(type: "INTEGER", nullable: false),
                    RowNumber = table.Column<int>(type: "INTEGER", nullable: false),
                    Action = table.Column<int>(type: "INTEGER", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    IdCipher = table.Column<byte[]>(type: "BLOB", nullable: true),
                    IdIndex = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    IdMasked = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    MobileCipher = table.Column<byte[]>(type: "BLOB", nullable: true),
                    MobileMasked = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    SubjectId = table.Column<long>(type: "INTEGER", nullable: true),
                    SubjectVersion = table.Column<int>(type: "INTEGER", nullable: true),
                    EmployerId = table.Column<long>(type: "INTEGER", nullable: true),
                    UpdateMobile = table.Column<bool>(type: "INTEGER", nullable: false),
                    FactsJson = table.Column<string>(type: "TEXT", maxLength: 16000, nullable: false),
                    CellsJson = table.Column<string>(type: "TEXT", maxLength: 16000, nullable: false),
                    IssuesJson = table.Column<string>(type: "TEXT", maxLength: 16000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_roster_import_rows", x => x.Id);
                    table.ForeignKey(
                        name: "FK_roster_import_rows_roster_imports_ImportId",
                        column: x => x.ImportId,
                        principalTable: "roster_imports",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_roster_import_rows_ImportId_RowNumber",
                table: "roster_import_rows",
                columns: new[] { "ImportId", "RowNumber" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_roster_imports_ScopeCity_CreatedAt",
                table: "roster_imports",
                columns: new[] { "ScopeCity", "CreatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "roster_import_rows");

            migrationBuilder.DropTable(
                name: "roster_imports");
        }
    }
}
