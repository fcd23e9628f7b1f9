using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TalentOne.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Codes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "issued_codes",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CodeId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    SubjectId = table.Column<long>(type: "INTEGER", nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    IssuedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    ExpiresAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    IssuedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    RevokedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    RevokedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    RevokeReason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_issued_codes", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "scan_records",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CodeId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    SubjectId = table.Column<long>(type: "INTEGER", nullable: true),
                    ProviderUserId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ProviderKind = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    At = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    Outcome = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_scan_records", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_issued_codes_CodeId",
                table: "issued_codes",
                column: "CodeId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_issued_codes_SubjectId_Id",
                table: "issued_codes",
                columns: new[] { "SubjectId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_scan_records_CodeId",
                table: "scan_records",
                column: "CodeId");

            migrationBuilder.CreateIndex(
                name: "IX_scan_records_SubjectId_Id",
                table: "scan_records",
                columns: new[] { "SubjectId", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "issued_codes");

            migrationBuilder.DropTable(
                name: "scan_records");
        }
    }
}
