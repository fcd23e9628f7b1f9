using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace TalentOne.Data.Migrations.Postgres
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    FileName = table.Column<string>(type: "character varying(260)", maxLength: 260, nullable: false),
                    FileSize = table.Column<long>(type: "bigint", nullable: false),
                    SheetName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    HeaderRow = table.Column<int>(type: "integer", nullable: false),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    ScopeCity = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    RowCount = table.Column<int>(type: "integer", nullable: false),
                    ValidCount = table.Column<int>(type: "integer", nullable: false),
                    InvalidCount = table.Column<int>(type: "integer", nullable: false),
                    CreateCount = table.Column<int>(type: "integer", nullable: false),
                    UpdateCount = table.Column<int>(type: "integer", nullable: false),
                    UnchangedCount = table.Column<int>(type: "integer", nullable: false),
                    ColumnsJson = table.Column<string>(type: "character varying(64000)", maxLength: 64000, nullable: false),
                    FileIssuesJson = table.Column<string>(type: "character varying(64000)", maxLength: 64000, nullable: false),
                    CatalogVersion = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    ValidatedOn = table.Column<DateOnly>(type: "date", nullable: false),
                    CreatedByUserId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    DepartmentId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    CommitMode = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    FinishedByUserId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    FinishedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CreatedRecords = table.Column<int>(type: "integer", nullable: false),
                    UpdatedRecords = table.Column<int>(type: "integer", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_roster_imports", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "roster_import_rows",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ImportId = table.Column<long>(type: "bigint", nullable: false),
                    RowNumber = table.Column<int>(type: "integer", nullable: false),
                    Action = table.Column<int>(type: "integer", nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    IdCipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    IdIndex = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    IdMasked = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    MobileCipher = table.Column<byte[]>(type: "bytea", nullable: true),
                    MobileMasked = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    SubjectId = table.Column<long>(type: "bigint", nullable: true),
                    SubjectVersion = table.Column<int>(type: "integer", nullable: true),
                    EmployerId = table.Column<long>(type: "bigint", nullable: true),
                    UpdateMobile = table.Column<bool>(type: "boolean", nullable: false),
                    FactsJson = table.Column<string>(type: "character varying(16000)", maxLength: 16000, nullable: false),
                    CellsJson = table.Column<string>(type: "character varying(16000)", maxLength: 16000, nullable: false),
                    IssuesJson = table.Column<string>(type: "character varying(16000)", maxLength: 16000, nullable: false)
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
