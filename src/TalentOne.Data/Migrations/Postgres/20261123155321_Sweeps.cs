using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace TalentOne.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Sweeps : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "eligibility_changes",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    RunId = table.Column<long>(type: "bigint", nullable: false),
                    SubjectId = table.Column<long>(type: "bigint", nullable: false),
                    PolicyId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Kind = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    Amount = table.Column<double>(type: "double precision", nullable: true),
                    EligibleOn = table.Column<DateOnly>(type: "date", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_eligibility_changes", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "notices",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    SubjectId = table.Column<long>(type: "bigint", nullable: false),
                    PolicyId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    GrantKey = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Title = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Body = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    Amount = table.Column<double>(type: "double precision", nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    NotBefore = table.Column<DateOnly>(type: "date", nullable: true),
                    DeliveredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ReadAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    RunId = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_notices", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "sweep_runs",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    AsOf = table.Column<DateOnly>(type: "date", nullable: false),
                    CatalogVersion = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    PolicyIds = table.Column<string>(type: "character varying(200000)", maxLength: 200000, nullable: false),
                    StartedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    FinishedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Trigger = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    StartedBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    SubjectsTotal = table.Column<int>(type: "integer", nullable: false),
                    SubjectsProcessed = table.Column<int>(type: "integer", nullable: false),
                    SubjectsSkipped = table.Column<int>(type: "integer", nullable: false),
                    NewlyEligible = table.Column<int>(type: "integer", nullable: false),
                    NoLongerEligible = table.Column<int>(type: "integer", nullable: false),
                    RemindersScheduled = table.Column<int>(type: "integer", nullable: false),
                    RemindersWithdrawn = table.Column<int>(type: "integer", nullable: false),
                    NoticesEnqueued = table.Column<int>(type: "integer", nullable: false),
                    PerPolicyJson = table.Column<string>(type: "character varying(200000)", maxLength: 200000, nullable: false),
                    Error = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_sweep_runs", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "sweep_states",
                columns: table => new
                {
                    SubjectId = table.Column<long>(type: "bigint", nullable: false),
                    RunId = table.Column<long>(type: "bigint", nullable: false),
                    Eligible = table.Column<byte[]>(type: "bytea", nullable: false),
                    Nearly = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_sweep_states", x => x.SubjectId);
                });

            migrationBuilder.CreateTable(
                name: "outbox_messages",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    NoticeId = table.Column<long>(type: "bigint", nullable: false),
                    Channel = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    NextAttemptAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    LastError = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    SentAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_outbox_messages", x => x.Id);
                    table.ForeignKey(
                        name: "FK_outbox_messages_notices_NoticeId",
                        column: x => x.NoticeId,
                        principalTable: "notices",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_eligibility_changes_RunId_PolicyId",
                table: "eligibility_changes",
                columns: new[] { "RunId", "PolicyId" });

            migrationBuilder.CreateIndex(
                name: "IX_eligibility_changes_SubjectId",
                table: "eligibility_changes",
                column: "SubjectId");

            migrationBuilder.CreateIndex(
                name: "IX_notices_RunId",
                table: "notices",
                column: "RunId");

            migrationBuilder.CreateIndex(
                name: "IX_notices_SubjectId_PolicyId_GrantKey_Kind",
                table: "notices",
                columns: new[] { "SubjectId", "PolicyId", "GrantKey", "Kind" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_outbox_messages_NoticeId_Channel",
                table: "outbox_messages",
                columns: new[] { "NoticeId", "Channel" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_outbox_messages_Status_NextAttemptAt",
                table: "outbox_messages",
                columns: new[] { "Status", "NextAttemptAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "eligibility_changes");

            migrationBuilder.DropTable(
                name: "outbox_messages");

            migrationBuilder.DropTable(
                name: "sweep_runs");

            migrationBuilder.DropTable(
                name: "sweep_states");

            migrationBuilder.DropTable(
                name: "notices");
        }
    }
}
