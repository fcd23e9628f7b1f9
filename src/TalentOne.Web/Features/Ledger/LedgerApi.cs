using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using TalentOne.Registry.Accounts;
using TalentOne.Registry.Ledger;
using TalentOne.Web.Infrastructure;

namespace TalentOne.Web.Features.Ledger;

public static class LedgerWebSetup
{
    /// <summary>The ledger services and the background signer (TalentOne:Ledger:SignEverySeconds, default 1; 0 = off).</summary>
    public static WebApplicationBuilder AddLedgerFeature(this WebApplicationBuilder builder)
    {
        builder.AddLedger();
        builder.AddLedgerSigning();
        return builder;
    }
}

/// <summary>上链 through the API: oversight reads the chain's status and runs a full verification; a proof of a record's
/// entries (verifiable offline with <c>talentone ledger verify-proof</c>) for oversight and for the record's holder.</summary>
public static class LedgerApi
{
    public static IEndpointRouteBuilder MapLedgerApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/ledger").WithTags("上链存证");
        api.MapGet("/status", Status).RequireAuthorization(AccessPolicies.Oversight).WithSummary("账本状态：链头序号、最后签名序号与时间");
        api.MapGet("/verify", Verify).RequireAuthorization(AccessPolicies.Oversight)
            .WithSummary("校验整条账本链（哈希、链接、签名），报告第一个异常条目；条目多时耗时较长");
        api.MapGet("/proof", Proof).RequireAuthorization(p => p.RequireRole(Roles.Admin, Roles.Auditor, Roles.Talent, Roles.Enterprise))
            .WithSummary("导出存证证明（JSON 文件，可离线校验）：?subject=主体编号（本人可导出自己的），或 ?case=案件编号（监督人员）");
        return app;
    }

    public sealed record StatusDto(long HeadSeq, DateTimeOffset? HeadAt, long LastSignedSeq, DateTimeOffset? LastSignedAt, string? KeyId, long NotYetSigned, string PlatformKeyId);

    private static async Task<Ok<StatusDto>> Status(TalentOne.Registry.Ledger.Ledger ledger, LedgerKey key, CancellationToken ct)
    {
        var s = await ledger.StatusAsync(ct);
        return TypedResults.Ok(new StatusDto(s.HeadSeq, s.HeadAt, s.LastSignedSeq, s.LastSignedAt, s.KeyId, s.Unsigned, key.KeyId));
    }

    public sealed record ProblemDto(long Seq, string What, string Detail, string Message);
    public sealed record VerifyDto(bool Ok, long Entries, long HeadSeq, int Signatures, long LastSignedSeq, long NotYetSigned, double Seconds, ProblemDto? FirstProblem, string Summary);

    private static async Task<Ok<VerifyDto>> Verify(LedgerVerifier verifier, CancellationToken ct)
    {
        var v = await verifier.VerifyAsync(null, ct);
        var p = v.FirstProblem;
        var summary = p == null
            ? $"账本完整：{v.Entries} 条，{v.Signatures} 个签名" + (v.NotYetSigned > 0 ? $"；最新 {v.NotYetSigned} 条尚未签名（下次签名时覆盖）" : "")
            : $"账本第 {p.Seq} 条异常：{LedgerFault.Chinese(p.What)}";
        return TypedResults.Ok(new VerifyDto(v.Ok, v.Entries, v.HeadSeq, v.Signatures, v.LastSignedSeq, v.NotYetSigned, Math.Round(v.Elapsed.TotalSeconds, 3),
            p == null ? null : new ProblemDto(p.Seq, p.What, p.Detail, LedgerFault.Chinese(p.What)), summary));
    }

    private static async Task<Results<FileContentHttpResult, ValidationProblem, ProblemHttpResult>> Proof(
        HttpContext http, long? subject, long? @case, LedgerProofs proofs, CancellationToken ct)
    {
        var user = http.User;
        bool oversight = user.IsInRole(Roles.Admin) || user.IsInRole(Roles.Auditor);
        if (subject == null == (@case == null)) return Problems.Invalid("subject", "请给出主体编号 subject 或案件编号 case 之一");
        // A holder sees only its own record; another record's proof does not exist as far as it can tell.
        if (!oversight && (@case != null || subject != user.SubjectId()))
            return Problems.NotFound("没有存证", "只能导出本人（本企业）档案的存证证明");
        LedgerProof proof;
        try { proof = await proofs.ExportAsync(@case, subject, ct); }
        catch (LedgerProofException e) when (e.NotFound) { return Problems.NotFound("没有存证", e.Message); }
        catch (LedgerProofException e) { return TypedResults.Problem(title: "无法导出存证证明", detail: e.Message, statusCode: StatusCodes.Status409Conflict); }
        var bytes = JsonSerializer.SerializeToUtf8Bytes(proof, LedgerProofs.Json);
        var name = @case != null ? $"ledger-proof-case-{@case}.json" : $"ledger-proof-subject-{subject}.json";
        return TypedResults.File(bytes, "application/json", name);
    }
}
