using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TalentOne.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Deferral : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "SuppliesId",
                table: "case_materials",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "credit_flags",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    SubjectId = table.Column<long>(type: "INTEGER", nullable: false),
                    Flagged = table.Column<bool>(type: "INTEGER", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    By = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    At = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    CaseId = table.Column<long>(type: "INTEGER", nullable: true),
                    MaterialId = table.Column<string>(type: "TEXT", maxLength: 120, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_credit_flags", x => x.Id);
                    table.ForeignKey(
                        name: "FK_credit_flags_cases_CaseId",
                        column: x => x.CaseId,
                        principalTable: "cases",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_credit_flags_subjects_SubjectId",
                        column: x => x.SubjectId,
                        principalTable: "subjects",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "deferral_steps",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CaseMaterialId = table.Column<long>(type: "INTEGER", nullable: false),
                    CaseId = table.Column<long>(type: "INTEGER", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    On = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    At = table.Column<DateTimeOffset>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_deferral_steps", x => x.Id);
                    table.ForeignKey(
                        name: "FK_deferral_steps_case_materials_CaseMaterialId",
                        column: x => x.CaseMaterialId,
                        principalTable: "case_materials",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_deferral_steps_cases_CaseId",
                        column: x => x.CaseId,
                        principalTable: "cases",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_case_materials_SuppliesId",
                table: "case_materials",
                column: "SuppliesId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_credit_flags_CaseId",
                table: "credit_flags",
                column: "CaseId");

            migrationBuilder.CreateIndex(
                name: "IX_credit_flags_SubjectId_Id",
                table: "credit_flags",
                columns: new[] { "SubjectId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_deferral_steps_CaseId",
                table: "deferral_steps",
                column: "CaseId");

            migrationBuilder.CreateIndex(
                name: "IX_deferral_steps_CaseMaterialId_Kind",
                table: "deferral_steps",
                columns: new[] { "CaseMaterialId", "Kind" },
                unique: true);

            migrationBuilder.AddForeignKey(
                name: "FK_case_materials_case_materials_SuppliesId",
                table: "case_materials",
                column: "SuppliesId",
                principalTable: "case_materials",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_case_materials_case_materials_SuppliesId",
                table: "case_materials");

            migrationBuilder.DropTable(
                name: "credit_flags");

            migrationBuilder.DropTable(
                name: "deferral_steps");

            migrationBuilder.DropIndex(
                name: "IX_case_materials_SuppliesId",
                table: "case_materials");

            migrationBuilder.DropColumn(
                name: "SuppliesId",
                table: "case_materials");
        }
    }
}
