using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace TalentOne.Web.Features.Cases;

/// <summary>How many 一件事 submissions (POST /api/v1/cases) the host works on at once; the others wait their turn in
/// order. Every submission appends to the ledger, whose head is held by one transaction at a time: beyond a handful in
/// flight, more concurrency only lengthens the queue for the head and the time each holder needs to get a core, so
/// throughput falls as load rises (docs/performance.md §7). TalentOne:Cases:MaxConcurrentSubmissions (default 8) and
/// TalentOne:Cases:SubmissionQueue (default 5,000 waiting; beyond that 503 with a Chinese message: resubmitting with the
/// same clientKey is safe).</summary>
public static class SubmissionLimit
{
    public const string Policy = "case-submissions";

    public static WebApplicationBuilder AddSubmissionLimit(this WebApplicationBuilder builder)
    {
        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IConfiguration>((o, config) =>
        {
            int permits = Math.Max(1, config.GetValue("TalentOne:Cases:MaxConcurrentSubmissions", 8));
            int queue = Math.Max(0, config.GetValue("TalentOne:Cases:SubmissionQueue", 5_000));
            o.AddConcurrencyLimiter(Policy, l =>
            {
                l.PermitLimit = permits;
                l.QueueLimit = queue;
                l.QueueProcessingOrder = QueueProcessingOrder.OldestFirst;
            });
            o.RejectionStatusCode = StatusCodes.Status503ServiceUnavailable;
            o.OnRejected = (context, _) => new ValueTask(TypedResults.Problem(title: "提交的申请较多，请稍后再试",
                detail: "当前排队办理的申请已满。请稍后用同一 clientKey 重新提交（不会产生两个案件）。",
                statusCode: StatusCodes.Status503ServiceUnavailable).ExecuteAsync(context.HttpContext));
        });
        return builder;
    }
}
