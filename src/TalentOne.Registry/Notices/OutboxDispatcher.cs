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

/// <summary>Sends what is due in the outbox: claims a batch of due messages in one statement (so two dispatchers never
/// send the same one at the same time), loads them with their notices and mobiles in two queries, hands each to the
/// sender of its channel, and records each outcome as soon as it is known — sent; failed with the next attempt after an
/// exponential back-off; or dead after the last attempt. Reminders wait in the outbox until their date.</summary>
public sealed class OutboxDispatcher(TalentOneDb db, IEnumerable<INoticeSender> senders, OutboxOptions options, PersonalDataProtector protector)
{
    private readonly Dictionary<string, INoticeSender> _senders = senders.GroupBy(s => s.Channel).ToDictionary(g => g.Key, g => g.Last());

    public async Task<DispatchResult> DispatchDueAsync(DateTimeOffset now, CancellationToken ct = default)
    {
        now = now.ToUniversalTime();
        var leaseUntil = now + options.Lease;
        var outbox = db.Set<OutboxMessage>();
        // Claim: the due messages, oldest first, are leased and counted as an attempt in one statement; the condition is
        // checked again on each row as it is updated, so of two dispatchers racing for a message only one gets it, and a
        // crash after this leaves the message due again once the lease ends. SQL of our own: EF cannot translate
        // DateTimeOffset comparisons for SQLite; every time is stored in UTC, so SQLite's text form compares in time order.
        var claimed = await db.Database.SqlQuery<long>($"""
            UPDATE outbox_messages SET "NextAttemptAt" = {leaseUntil}, "Attempts" = "Attempts" + 1
            WHERE "Id" IN (SELECT "Id" FROM outbox_messages
                           WHERE "Status" IN ('pending', 'failed') AND "NextAttemptAt" <= {now}
                           ORDER BY "NextAttemptAt", "Id" LIMIT {options.BatchSize})
              AND "Status" IN ('pending', 'failed') AND "NextAttemptAt" <= {now}
            RETURNING "Id" AS "Value"
            """).ToListAsync(ct);
        if (claimed.Count == 0) return new DispatchResult(0, 0, 0);
        claimed.Sort();

        var rows = await outbox.AsNoTracking().Where(o => claimed.Contains(o.Id))
            .Select(o => new { o.Id, o.Channel, o.Attempts, Notice = o.Notice! }).ToListAsync(ct);
        var subjectIds = rows.Select(r => r.Notice.SubjectId).Distinct().ToList();
        var subjects = await db.Subjects.AsNoTracking().Where(s => subjectIds.Contains(s.Id))
            .Select(s => new { s.Id, s.MobileMasked, s.MobileCipher }).ToDictionaryAsync(s => s.Id, ct);

        var sentIds = new List<long>();
        int retrying = 0, dead = 0;
        foreach (var row in rows.OrderBy(r => r.Id))
        {
            ct.ThrowIfCancellationRequested();
            var subject = subjects.GetValueOrDefault(row.Notice.SubjectId);
            SendResult result;
            if (!_senders.TryGetValue(row.Channel, out var sender)) result = SendResult.Permanent($"没有“{row.Channel}”渠道的发送方式");
            else
            {
                var delivery = new NoticeDelivery(row.Id, row.Channel, row.Notice, subject?.MobileMasked,
                    () => subject?.MobileCipher is { } c ? protector.Decrypt(c) : null, now);
                try { result = await sender.SendAsync(delivery, ct); }
                catch (Exception e) when (e is not OperationCanceledException) { result = SendResult.Retry($"{e.GetType().Name}: {e.Message}"); }
            }

            var target = outbox.Where(o => o.Id == row.Id);
            switch (result.Outcome)
            {
                case SendOutcome.Sent:
                    // recorded at once: a crash now cannot make this message go out twice
                    sentIds.Add(row.Id);
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
        return new DispatchResult(sentIds.Count, retrying, dead);
    }

    private static string? Clip(string? s) => s is { Length: > 1000 } ? s[..1000] : s;
}
