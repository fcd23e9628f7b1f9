using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TalentOne.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Ledger : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ledger_entries",
                columns: table => new
                {
                    Seq = table.Column<long>(type: "INTEGER", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CaseId = table.Column<long>(type: "INTEGER", nullable: true),
                    SubjectId = table.Column<long>(type: "INTEGER", nullable: true),
                    Payload = table.Column<string>(type: "TEXT", nullable: false),
                    At = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    PrevHash = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: false),
                    Hash = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ledger_entries", x => x.Seq);
                });

            migrationBuilder.CreateTable(
                name: "ledger_signatures",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    FromSeq = table.Column<long>(type: "INTEGER", nullable: false),
                    UpToSeq = table.Column<long>(type: "INTEGER", nullable: false),
                    HeadHash = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: false),
                    Signature = table.Column<byte[]>(type: "BLOB", maxLength: 80, nullable: false),
                    KeyId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    PublicKey = table.Column<byte[]>(type: "BLOB", maxLength: 65, nullable: false),
                    SignedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ledger_signatures", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ledger_entries_CaseId",
                table: "ledger_entries",
                column: "CaseId");

            migrationBuilder.CreateIndex(
                name: "IX_ledger_entries_SubjectId",
                table: "ledger_entries",
                column: "SubjectId");

            migrationBuilder.CreateIndex(
                name: "IX_ledger_signatures_UpToSeq",
                table: "ledger_signatures",
                column: "UpToSeq",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ledger_entries");

            migrationBuilder.DropTable(
                name: "ledger_signatures");
        }
    }
}
