using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using TalentOne.Data;
using TalentOne.Data.Sweeps;
using TalentOne.Registry.Records;

namespace TalentOne.Registry.Notices;

/// <summary>Retries and leases of the outbox (TalentOne:Outbox:*).</summary>
public sealed record OutboxOptions
{
    /// <summary>Attempts before a message is given up (dead).</summary>
    public int MaxAttempts { get; init; } = 6;
    /// <summary>Wait after the first failure; doubled after each further one (1, 2, 4, 8 … minutes).</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMinutes(1);
    /// <summary>How long a claimed message stays claimed: a dispatcher that dies mid-send leaves it to be retried after this.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary>Messages handled per dispatch.</summary>
    public int BatchSize { get; init; } = 500;

    public static OutboxOptions From(IConfiguration config)
    {
        var o = new OutboxOptions();
        var s = config.GetSection("TalentOne:Outbox");
        if (int.TryParse(s["MaxAttempts"], out var max) && max > 0) o = o with { MaxAttempts = max };
        if (double.TryParse(s["BaseDelaySeconds"], System.Globalization.CultureInfo.InvariantCulture, out var d) && d > 0) o = o with { BaseDelay = TimeSpan.FromSeconds(d) };
        if (int.TryParse(s["BatchSize"], out var b) && b > 0) o = o with { BatchSize = b };
        return o;
    }

    /// <summary>Wait after the <paramref name="attempts"/>-th failed attempt.</summary>
    public TimeSpan Backoff(int attempts) => BaseDelay * Math.Pow(2, Math.Clamp(attempts - 1, 0, 20));
}

public sealed record DispatchResult(int Sent, int Retrying, int Dead)
{
    public int Total => Sent + Retrying + Dead;
}

/// <summary>Sends what is due in the outbox: claims each message (so two dispatchers never send the same one at the
/// same time), hands it to the sender of its channel, and records the outcome — sent; failed with the next attempt
/// after an exponential back-off; or dead after the last attempt. Reminders wait in the outbox until their date.</summary>
public sealed class OutboxDispatcher(TalentOneDb db, IEnumerable<INoticeSender> senders, OutboxOptions options, PersonalDataProtector protector)
{
    private readonly Dictionary<string, INoticeSender> _senders = senders.GroupBy(s => s.Channel).ToDictionary(g => g.Key, g => g.Last());

    public async Task<DispatchResult> DispatchDueAsync(DateTimeOffset now, CancellationToken ct = default)
    {
        now = now.ToUniversalTime();
        var outbox = db.Set<OutboxMessage>();
        // SQL of our own: EF cannot translate DateTimeOffset comparisons for SQLite. Every time is stored in UTC, so SQLite's
        // text form compares in time order.
        var due = await db.Database.SqlQuery<long>($"""
            SELECT "Id" AS "Value" FROM outbox_messages
            WHERE "Status" IN ('pending', 'failed') AND "NextAttemptAt" <= {now}
            ORDER BY "NextAttemptAt", "Id" LIMIT {options.BatchSize}
            """).ToListAsync(ct);
        int sent = 0, retrying = 0, dead = 0;
        foreach (var id in due)
        {
            ct.ThrowIfCancellationRequested();
            var leaseUntil = now + options.Lease;
            // claim: only one dispatcher wins; a crash after this leaves the message due again once the lease ends
            var claimed = await db.Database.ExecuteSqlAsync($"""
                UPDATE outbox_messages SET "NextAttemptAt" = {leaseUntil}, "Attempts" = "Attempts" + 1
                WHERE "Id" = {id} AND "Status" IN ('pending', 'failed') AND "NextAttemptAt" <= {now}
                """, ct);
            if (claimed == 0) continue;
            var row = await outbox.AsNoTracking().Where(o => o.Id == id)
                .Select(o => new { o.Channel, o.Attempts, Notice = o.Notice! }).FirstAsync(ct);
            var subject = await db.Subjects.AsNoTracking().Where(s => s.Id == row.Notice.SubjectId)
                .Select(s => new { s.MobileMasked, s.MobileCipher }).FirstOrDefaultAsync(ct);
            SendResult result;
            if (!_senders.TryGetValue(row.Channel, out var sender)) result = SendResult.Permanent($"没有“{row.Channel}”渠道的发送方式");
            else
            {
                var delivery = new NoticeDelivery(id, row.Channel, row.Notice, subject?.MobileMasked,
                    () => subject?.MobileCipher is { } c ? protector.Decrypt(c) : null, now);
                try { result = await sender.SendAsync(delivery, ct); }
                catch (Exception e) when (e is not OperationCanceledException) { result = SendResult.Retry($"{e.GetType().Name}: {e.Message}"); }
            }

            var target = outbox.Where(o => o.Id == id);
            switch (result.Outcome)
            {
                case SendOutcome.Sent:
                    sent++;
                    await target.ExecuteUpdateAsync(u => u.SetProperty(o => o.Status, OutboxStatus.Sent).SetProperty(o => o.SentAt, now)
                        .SetProperty(o => o.LastError, (string?)null), ct);
                    break;
                case SendOutcome.Retry when row.Attempts < options.MaxAttempts:
                    retrying++;
                    var next = now + options.Backoff(row.Attempts);
                    await target.ExecuteUpdateAsync(u => u.SetProperty(o => o.Status, OutboxStatus.Failed).SetProperty(o => o.NextAttemptAt, next)
                        .SetProperty(o => o.LastError, Clip(result.Error)), ct);
                    break;
                default:
                    dead++;
                    await target.ExecuteUpdateAsync(u => u.SetProperty(o => o.Status, OutboxStatus.Dead)
                        .SetProperty(o => o.LastError, Clip(result.Error)), ct);
                    break;
            }
        }
        return new DispatchResult(sent, retrying, dead);
    }

    private static string? Clip(string? s) => s is { Length: > 1000 } ? s[..1000] : s;
}
