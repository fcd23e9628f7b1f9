using System.Globalization;
using TalentOne.Data;
using TalentOne.Data.Sweeps;
using TalentOne.Registry.Notices;
using TalentOne.Registry.Sweeps;
using TalentOne.Web.Features.Catalog;
using TalentOne.Web.Infrastructure;

namespace TalentOne.Web.Features.Sweeps;

/// <summary>TalentOne:Sweep:* and TalentOne:Outbox:* for the web host.</summary>
public sealed record SweepSchedule(bool SweepEnabled, TimeOnly DailyAt, bool DispatchEnabled, TimeSpan DispatchInterval)
{
    public static SweepSchedule From(IConfiguration config)
    {
        var at = config["TalentOne:Sweep:DailyAt"] is { Length: > 0 } s
            ? TimeOnly.TryParseExact(s, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) ? t
                : throw new InvalidOperationException($"TalentOne:Sweep:DailyAt must be a time HH:mm (China time), found '{s}'.")
            : new TimeOnly(2, 0);
        var interval = double.TryParse(config["TalentOne:Outbox:IntervalSeconds"], CultureInfo.InvariantCulture, out var sec) && sec > 0 ? sec : 5;
        return new SweepSchedule(Flag(config["TalentOne:Sweep:Enabled"]), at, Flag(config["TalentOne:Outbox:Enabled"]), TimeSpan.FromSeconds(interval));
    }

    private static bool Flag(string? v) => !bool.TryParse(v, out var b) || b;

    /// <summary>The next time it is <see cref="DailyAt"/> in China after <paramref name="now"/>.</summary>
    public DateTimeOffset NextRun(DateTimeOffset now)
    {
        var china = now.ToOffset(ChinaClock.Offset);
        var today = new DateTimeOffset(DateOnly.FromDateTime(china.DateTime).ToDateTime(DailyAt), ChinaClock.Offset);
        return today > now ? today : today.AddDays(1);
    }
}

/// <summary>Starts sweeps off the request: the run's id is known at once, the run itself continues in the background
/// (one at a time per process; a second request while one runs is refused).</summary>
public sealed class SweepLauncher(IServiceScopeFactory scopes, CatalogHolder holder, DatabaseSettings settings, IHostApplicationLifetime lifetime, ILogger<SweepLauncher> log)
{
    public sealed record Started(long RunId, Task<SweepRun> Completion);

    /// <summary>Throws <see cref="SweepBusyException"/> when a sweep is running, InvalidOperationException without a catalog.</summary>
    public async Task<Started> StartAsync(DateOnly asOf, string trigger, string? startedBy)
    {
        var catalog = holder.Current ?? throw new InvalidOperationException("catalog unavailable");
        if (SweepRunner.IsBusy(settings)) throw new SweepBusyException();
        var id = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var completion = Task.Run(async () =>
        {
            await using var scope = scopes.CreateAsyncScope();
            var runner = scope.ServiceProvider.GetRequiredService<SweepRunner>();
            try
            {
                var run = await runner.RunAsync(catalog, asOf, new SweepRunOptions { Trigger = trigger, StartedBy = startedBy, Started = i => id.TrySetResult(i) },
                    null, lifetime.ApplicationStopping);
                log.LogInformation("Sweep {Run} as of {AsOf} completed: {Processed} subjects, {Newly} newly eligible, {Notices} notices",
                    run.Id, run.AsOf, run.SubjectsProcessed, run.NewlyEligible, run.NoticesEnqueued);
                return run;
            }
            catch (Exception e)
            {
                id.TrySetException(e);
                log.LogError(e, "Sweep as of {AsOf} failed", asOf);
                throw;
            }
        });
        return new Started(await id.Task, completion);
    }
}

/// <summary>Sends what is due in the outbox every few seconds, and runs the sweep every day at TalentOne:Sweep:DailyAt
/// (China time, default 02:00). TalentOne:Sweep:Enabled=false and TalentOne:Outbox:Enabled=false turn either off.</summary>
public sealed class SweepBackground(SweepSchedule schedule, IServiceScopeFactory scopes, SweepLauncher launcher, TimeProvider clock,
    ILogger<SweepBackground> log) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stop) => Task.WhenAll(DispatchLoop(stop), DailySweepLoop(stop));

    private async Task DispatchLoop(CancellationToken stop)
    {
        if (!schedule.DispatchEnabled) return;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var dispatcher = scope.ServiceProvider.GetRequiredService<OutboxDispatcher>();
                DispatchResult r;
                do r = await dispatcher.DispatchDueAsync(clock.GetUtcNow(), stop); while (r.Total > 0 && !stop.IsCancellationRequested);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { return; }
            catch (Exception e) { log.LogWarning(e, "Outbox dispatch failed; trying again shortly"); }
            try { await Task.Delay(schedule.DispatchInterval, clock, stop); }
            catch (OperationCanceledException) { return; }
        }
    }

    private async Task DailySweepLoop(CancellationToken stop)
    {
        if (!schedule.SweepEnabled) return;
        while (!stop.IsCancellationRequested)
        {
            var next = schedule.NextRun(clock.GetUtcNow());
            try { await Task.Delay(next - clock.GetUtcNow(), clock, stop); }
            catch (OperationCanceledException) { return; }
            try
            {
                var started = await launcher.StartAsync(clock.Today(), SweepTrigger.Schedule, null);
                await started.Completion;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { return; }
            catch (Exception e) { log.LogWarning(e, "Scheduled sweep did not run"); }
        }
    }
}
