using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using TalentOne.Data;
using TalentOne.Data.Sweeps;
using TalentOne.Policies.Profiles;
using TalentOne.Registry.Notices;
using TalentOne.Registry.Records;
using TalentOne.Registry.Sweeps;

namespace TalentOne.Cli;

/// <summary>`sweep [--date yyyy-mm-dd] [--batch N]`: the eligibility sweep over every registered subject, with a progress
/// bar on a terminal and plain lines when the output is redirected; `outbox dispatch`: sends what is due.</summary>
public static class SweepCommands
{
    public static async Task<int> SweepAsync(Dictionary<string, string> o, TextWriter stdout, TextWriter stderr)
    {
        var date = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8));
        if (o.TryGetValue("date", out var ds) && (!DateOnly.TryParseExact(ds, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date)
            || date.Year is < ProfileReader.MinYear or > ProfileReader.MaxYear))
        {
            await stderr.WriteLineAsync($"--date: “{ds}”不是有效的评估日期（yyyy-mm-dd，{ProfileReader.MinYear}–{ProfileReader.MaxYear} 年）");
            return 2;
        }
        int batch = 10_000;
        if (o.TryGetValue("batch", out var bs) && (!int.TryParse(bs, out batch) || batch is < 1 or > 100_000))
        {
            await stderr.WriteLineAsync("--batch: 每批档案数应为 1 到 100000 之间的整数");
            return 2;
        }

        await using var platform = await PlatformHost.StartAsync(o);
        await using var scope = platform.Services.CreateAsyncScope();
        var runner = ActivatorUtilities.CreateInstance<SweepRunner>(scope.ServiceProvider);
        var options = new SweepRunOptions { BatchSize = batch, Trigger = SweepTrigger.Cli };
        var sw = Stopwatch.StartNew();
        SweepRun run;
        try
        {
            bool terminal = ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
            if (terminal)
            {
                run = await AnsiConsole.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                    .StartAsync(async ctx =>
                    {
                        var task = ctx.AddTask($"巡检 {date:yyyy-MM-dd}", maxValue: 1);
                        return await runner.RunAsync(platform.Catalog, date, options, new InOrder<SweepProgress>(p =>
                        {
                            task.MaxValue = Math.Max(1, p.Total);
                            task.Value = p.Processed;
                            task.Description = $"巡检 {date:yyyy-MM-dd}：新符合 {p.NewlyEligible}，通知 {p.NoticesEnqueued}";
                        }));
                    });
            }
            else
            {
                int lastTenth = -1;
                run = await runner.RunAsync(platform.Catalog, date, options, new InOrder<SweepProgress>(p =>
                {
                    int tenth = p.Total == 0 ? 10 : (int)(10L * p.Processed / p.Total);
                    if (tenth == lastTenth) return;
                    lastTenth = tenth;
                    stdout.WriteLine($"{p.Processed:N0}/{p.Total:N0} 份档案（{sw.Elapsed.TotalSeconds:F1} 秒）：新符合 {p.NewlyEligible}，不再符合 {p.NoLongerEligible}，提醒 {p.RemindersScheduled}，通知 {p.NoticesEnqueued}");
                }));
            }
        }
        catch (SweepBusyException e) { await stderr.WriteLineAsync(e.Message); return 1; }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await stderr.WriteLineAsync($"巡检失败：{e.Message}（已完成的批次已保存；再次运行会从未处理的档案继续）");
            return 1;
        }
        await stdout.WriteLineAsync($"巡检 #{run.Id} 完成（评估日 {run.AsOf:yyyy-MM-dd}，目录版本 {run.CatalogVersion}，用时 {sw.Elapsed.TotalSeconds:F1} 秒）");
        await stdout.WriteLineAsync($"  档案 {run.SubjectsProcessed:N0} 份（无法读取 {run.SubjectsSkipped}），新符合 {run.NewlyEligible:N0}，不再符合 {run.NoLongerEligible:N0}，" +
            $"安排提醒 {run.RemindersScheduled:N0}，撤回提醒 {run.RemindersWithdrawn:N0}，新通知 {run.NoticesEnqueued:N0} 条");
        foreach (var (id, c) in PolicyCounts.Parse(run.PerPolicyJson).Where(x => x.Value.Newly + x.Value.NoLonger + x.Value.Reminders > 0)
                     .OrderByDescending(x => x.Value.Newly).Take(15))
            await stdout.WriteLineAsync($"  {id,-48} 符合 {c.Eligible,8:N0}  新符合 {c.Newly,7:N0}  不再符合 {c.NoLonger,6:N0}  提醒 {c.Reminders,6:N0}");
        return 0;
    }

    public static async Task<int> DispatchAsync(Dictionary<string, string> o, TextWriter stdout, TextWriter stderr)
    {
        await using var platform = await PlatformHost.StartAsync(o);
        await using var scope = platform.Services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var config = sp.GetRequiredService<IConfiguration>();
        var db = sp.GetRequiredService<TalentOneDb>();
        var sms = new LogFileSmsSender(LogFileSmsSender.PathFrom(config, Path.GetDirectoryName(Path.GetFullPath(platform.CatalogRoot))!));
        var dispatcher = new OutboxDispatcher(db, [sms, new InAppSender(db)], OutboxOptions.From(config), sp.GetRequiredService<PersonalDataProtector>());
        int sent = 0, retrying = 0, dead = 0;
        while (true)
        {
            var r = await dispatcher.DispatchDueAsync(DateTimeOffset.UtcNow);
            sent += r.Sent; retrying += r.Retrying; dead += r.Dead;
            if (r.Total == 0) break;
        }
        await stdout.WriteLineAsync($"已发送 {sent}，失败待重试 {retrying}，放弃 {dead}（短信记录：{sms.Path}）");
        return dead > 0 ? 1 : 0;
    }

    /// <summary>Reports on the caller's thread, in order (Progress&lt;T&gt; would post them to the thread pool).</summary>
    private sealed class InOrder<T>(Action<T> action) : IProgress<T>
    {
        public void Report(T value) => action(value);
    }
}
