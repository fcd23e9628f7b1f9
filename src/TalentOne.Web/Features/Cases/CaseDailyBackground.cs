using System.Globalization;
using TalentOne.Registry.Cases;
using TalentOne.Web.Infrastructure;

namespace TalentOne.Web.Features.Cases;

/// <summary>One job's outcome of a daily run.</summary>
public sealed record CaseDailyResult(string Job, bool Ok, string Summary);

/// <summary>Runs every <see cref="ICaseDailyJob"/> (each in its own scope, so one failing job does not stop the others)
/// for a China date.</summary>
public sealed class CaseDailyRunner(IServiceScopeFactory scopes, ILogger<CaseDailyRunner> log)
{
    public async Task<List<CaseDailyResult>> RunAsync(CancellationToken ct)
    {
        var results = new List<CaseDailyResult>();
        await using (var probe = scopes.CreateAsyncScope())
        {
            foreach (var name in probe.ServiceProvider.GetServices<ICaseDailyJob>().Select(j => j.Name).ToList())
            {
                await using var scope = scopes.CreateAsyncScope();
                var deps = scope.ServiceProvider.GetRequiredService<CasesApi.Deps>();
                var job = scope.ServiceProvider.GetServices<ICaseDailyJob>().First(j => j.Name == name);
                var (cx, problem) = await deps.ContextAsync(ct);
                if (cx == null)
                {
                    results.Add(new(name, false, problem?.ProblemDetails.Title ?? "事项目录或工作日历暂不可用"));
                    continue;
                }
                try
                {
                    var summary = await job.RunAsync(cx, ct);
                    log.LogInformation("Case daily job {Job} for {Date}: {Summary}", name, cx.Today, summary);
                    results.Add(new(name, true, summary));
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogError(e, "Case daily job {Job} for {Date} failed", name, cx.Today);
                    results.Add(new(name, false, "运行失败，详见服务器日志"));
                }
            }
        }
        return results;
    }
}

/// <summary>Runs the case daily jobs every day at TalentOne:Cases:DailyAt (China time, default 00:30) and once at
/// start-up (a host that was down at that time catches up; the jobs are idempotent). TalentOne:Cases:Daily=false turns
/// it off (test hosts drive the jobs themselves with their own dates).</summary>
public sealed class CaseDailyBackground(IConfiguration config, CaseDailyRunner runner, TimeProvider clock, ILogger<CaseDailyBackground> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        if (bool.TryParse(config["TalentOne:Cases:Daily"], out var on) && !on) return;
        var at = config["TalentOne:Cases:DailyAt"] is { Length: > 0 } s
            ? TimeOnly.TryParseExact(s, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) ? t
                : throw new InvalidOperationException($"TalentOne:Cases:DailyAt must be a time HH:mm (China time), found '{s}'.")
            : new TimeOnly(0, 30);
        var first = true;
        while (!stop.IsCancellationRequested)
        {
            if (!first)
            {
                var now = clock.GetUtcNow();
                var china = now.ToOffset(ChinaClock.Offset);
                var next = new DateTimeOffset(DateOnly.FromDateTime(china.DateTime).ToDateTime(at), ChinaClock.Offset);
                if (next <= now) next = next.AddDays(1);
                try { await Task.Delay(next - now, clock, stop); }
                catch (OperationCanceledException) { return; }
            }
            first = false;
            try { await runner.RunAsync(stop); }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { return; }
            catch (Exception e) { log.LogWarning(e, "Case daily jobs did not run"); }
        }
    }
}
