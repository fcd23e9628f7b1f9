using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using TalentOne.Data;
using TalentOne.Data.Registry;
using TalentOne.Data.Sweeps;
using TalentOne.Policies.Catalog;
using TalentOne.Policies.Evaluation;
using TalentOne.Policies.Profiles;

namespace TalentOne.Registry.Sweeps;

/// <summary>Brings records up to the sweep's date before they are read (certification expiry is one).</summary>
public interface IBeforeSweep
{
    Task PrepareAsync(PolicyCatalog catalog, DateOnly asOf, CancellationToken ct);
}

public sealed record SweepRunOptions
{
    /// <summary>Subjects per batch (one transaction each).</summary>
    public int BatchSize { get; init; } = 10_000;
    /// <summary>Threads evaluating a batch (0 = one per processor).</summary>
    public int DegreeOfParallelism { get; init; }
    public string Trigger { get; init; } = SweepTrigger.Cli;
    public string? StartedBy { get; init; }
    /// <summary>Runs inside each batch's transaction just before it commits (tests inject failures here).</summary>
    public Func<SweepBatch, CancellationToken, Task>? BeforeCommit { get; init; }
    /// <summary>Called with the run's id as soon as its row exists.</summary>
    public Action<long>? Started { get; init; }
}

/// <summary>A sweep's progress after a batch committed, with the time each stage has spent so far (the stages overlap).</summary>
public sealed record SweepProgress(long RunId, int Processed, int Total, int NewlyEligible, int NoLongerEligible, int RemindersScheduled, int NoticesEnqueued,
    TimeSpan Reading, TimeSpan Evaluating, TimeSpan Writing);

/// <summary>Another sweep is running in this process.</summary>
public sealed class SweepBusyException() : InvalidOperationException("已有一次巡检正在进行，请等它完成后再试");

/// <summary>成熟激活 / 定期数据巡检: re-evaluates every registered subject as of a date, compares with what the
/// previous sweeps found, records the changes and enqueues the notices. Subjects are streamed in keyset batches by id:
/// reading the next batch, evaluating this one (in parallel) and writing the previous one overlap, with at most two
/// batches waiting between stages, so memory stays bounded whatever the number of subjects. Each batch is written in
/// one transaction (states, changes, notices, outbox rows and the run's counters), so a crash leaves every subject
/// either fully processed or not at all; the next run finds the processed ones unchanged and carries on with the
/// rest, and the unique index on notices makes a second notice for the same grant impossible.</summary>
public sealed class SweepRunner(TalentOneDb db, DatabaseSettings settings, TimeProvider clock, IEnumerable<IBeforeSweep> preparations)
{
    // one sweep at a time per database (per process)
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, SemaphoreSlim> Gates = new();
    private SemaphoreSlim Gate => Gates.GetOrAdd(settings.ConnectionString, _ => new SemaphoreSlim(1, 1));

    /// <summary>True while a sweep of this database runs in this process.</summary>
    public static bool IsBusy(DatabaseSettings settings) => Gates.TryGetValue(settings.ConnectionString, out var g) && g.CurrentCount == 0;

    public async Task<SweepRun> RunAsync(PolicyCatalog catalog, DateOnly asOf, SweepRunOptions? options = null,
        IProgress<SweepProgress>? progress = null, CancellationToken ct = default)
    {
        options ??= new SweepRunOptions();
        if (asOf.Year is < ProfileReader.MinYear or > ProfileReader.MaxYear)
            throw new ArgumentOutOfRangeException(nameof(asOf), $"评估日期应在 {ProfileReader.MinYear} 年至 {ProfileReader.MaxYear} 年之间");
        if (!await Gate.WaitAsync(0, ct)) throw new SweepBusyException();
        try
        {
            // Records must be as of the sweep's date before they are read: e.g. certifications past their validity.
            foreach (var p in preparations) await p.PrepareAsync(catalog, asOf, ct);
            await using var store = SweepStore.Open(settings);
            await store.OpenAsync(ct);
            var run = new SweepRun
            {
                AsOf = asOf,
                CatalogVersion = catalog.Version,
                PolicyIds = string.Join('\n', catalog.Policies.Select(p => p.Id)),
                StartedAt = clock.GetUtcNow(),
                Status = SweepStatus.Running,
                Trigger = options.Trigger,
                StartedBy = options.StartedBy,
                SubjectsTotal = await store.CountSubjectsAsync(ct),
            };
            db.Add(run);
            await db.SaveChangesAsync(ct);
            options.Started?.Invoke(run.Id);
            var work = new Work(catalog, asOf, run, clock.GetUtcNow());
            try
            {
                await ExecuteAsync(store, work, options, progress, ct);
                run.Status = SweepStatus.Completed;
            }
            catch (Exception e)
            {
                run.Status = SweepStatus.Failed;
                run.Error = e is OperationCanceledException ? "已取消（已完成的批次已保存，再次巡检会从未处理的档案继续）"
                    : $"{e.GetType().Name}: {e.Message}".Truncate(3_900);
                throw;
            }
            finally
            {
                // the counters of the batches that committed; never the request's token, so a cancelled run is still closed
                work.CopyCounters(run);
                run.PerPolicyJson = work.PerPolicyJson();
                run.FinishedAt = clock.GetUtcNow();
                db.Update(run);
                await db.SaveChangesAsync(CancellationToken.None);
            }
            return run;
        }
        finally { Gate.Release(); }
    }

    private static async Task ExecuteAsync(SweepStore store, Work work, SweepRunOptions options, IProgress<SweepProgress>? progress, CancellationToken outer)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(outer);
        var ct = cts.Token;
        var read = Channel.CreateBounded<(int Number, List<SubjectRow> Rows)>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
        var evaluated = Channel.CreateBounded<SweepBatch>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
        int size = Math.Max(1, options.BatchSize);

        var reader = Task.Run(async () =>
        {
            try
            {
                long after = 0;
                for (int number = 1; ; number++)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    var rows = await store.ReadAsync(after, size, ct);
                    work.Reading += Stopwatch.GetElapsedTime(t0);
                    if (rows.Count == 0) break;
                    foreach (var runId in rows.Where(r => r.StateRunId is { } id && !work.Maps.ContainsKey(id)).Select(r => r.StateRunId!.Value).Distinct().ToList())
                        work.Maps[runId] = work.MapFrom(await store.PolicyIdsOfRunAsync(runId, ct));
                    await read.Writer.WriteAsync((number, rows), ct);
                    after = rows[^1].Id;
                    if (rows.Count < size) break;
                }
                read.Writer.Complete();
            }
            catch (Exception e) { read.Writer.Complete(e); throw; }
        }, ct);

        var evaluator = Task.Run(async () =>
        {
            try
            {
                await foreach (var (number, rows) in read.Reader.ReadAllAsync(ct))
                {
                    long t0 = Stopwatch.GetTimestamp();
                    var batch = work.Evaluate(number, rows, options.DegreeOfParallelism, ct);
                    work.Evaluating += Stopwatch.GetElapsedTime(t0);
                    await evaluated.Writer.WriteAsync(batch, ct);
                }
                evaluated.Writer.Complete();
            }
            catch (Exception e) { evaluated.Writer.Complete(e); throw; }
        }, ct);

        try
        {
            await foreach (var batch in evaluated.Reader.ReadAllAsync(ct))
            {
                long t0 = Stopwatch.GetTimestamp();
                var written = await store.WriteAsync(work.Run.Id, work.AsOf, work.Now, batch, w => work.CountersAfter(batch, w), options.BeforeCommit, ct);
                work.Writing += Stopwatch.GetElapsedTime(t0);
                work.Commit(batch, written);
                progress?.Report(work.Progress());
            }
            await Task.WhenAll(reader, evaluator);
        }
        catch
        {
            cts.Cancel();
            try { await Task.WhenAll(reader, evaluator); } catch { /* the first failure is the one reported */ }
            throw;
        }
    }

    private static readonly JsonDocumentOptions ProfileJsonOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>One run's catalog, counters and the bit maps of earlier runs.</summary>
    private sealed class Work(PolicyCatalog catalog, DateOnly asOf, SweepRun run, DateTimeOffset now)
    {
        public PolicyCatalog Catalog { get; } = catalog;
        public DateOnly AsOf { get; } = asOf;
        public SweepRun Run { get; } = run;
        public DateTimeOffset Now { get; } = now;
        private readonly int _bytes = Masks.Bytes(catalog.Policies.Count);
        /// <summary>Per earlier run: old bit → this run's bit (-1: policy gone); null = same order as this run.</summary>
        public System.Collections.Concurrent.ConcurrentDictionary<long, int[]?> Maps { get; } = new();
        private readonly long[] _eligible = new long[catalog.Policies.Count];
        private readonly int[] _newly = new int[catalog.Policies.Count], _noLonger = new int[catalog.Policies.Count], _reminders = new int[catalog.Policies.Count];
        private int _processed, _skipped, _newlyTotal, _noLongerTotal, _remindersTotal, _withdrawn, _notices;
        private readonly Dictionary<string, int> _index = catalog.Policies.ToDictionary(p => p.Id, p => p.Index);

        public int[]? MapFrom(string? policyIds)
        {
            if (policyIds == null || policyIds == Run.PolicyIds) return null;
            return SweepRun.SplitPolicyIds(policyIds).Select(id => _index.TryGetValue(id, out var i) ? i : -1).ToArray();
        }

        /// <summary>Evaluates a batch and diffs it with the stored state (in parallel; per-policy totals kept here).</summary>
        public SweepBatch Evaluate(int number, List<SubjectRow> rows, int dop, CancellationToken ct)
        {
            var outcomes = new SubjectOutcome?[rows.Count];
            var totals = new long[Catalog.Policies.Count];
            Parallel.For(0, rows.Count, new ParallelOptions { MaxDegreeOfParallelism = dop > 0 ? dop : Environment.ProcessorCount, CancellationToken = ct },
                () => new long[Catalog.Policies.Count],
                (i, _, local) => { outcomes[i] = One(rows[i], local); return local; },
                local => { lock (totals) for (int p = 0; p < local.Length; p++) totals[p] += local[p]; });
            var batch = new SweepBatch { Number = number, LastSubjectId = rows[^1].Id, Subjects = rows.Count, Skipped = outcomes.Count(o => o == null), EligibleByPolicy = totals };
            foreach (var o in outcomes)
            {
                if (o == null) continue;
                if (o.State != null) batch.States.Add(o.State);
                if (o.Changes != null) batch.Changes.AddRange(o.Changes);
                if (o.Notices != null) batch.Notices.AddRange(o.Notices);
                if (o.Withdrawals != null) batch.Withdrawals.AddRange(o.Withdrawals);
            }
            return batch;
        }

        private sealed class SubjectOutcome
        {
            public StateRow? State;
            public List<ChangeRow>? Changes;
            public List<NoticeRow>? Notices;
            public List<WithdrawRow>? Withdrawals;
        }

        private SubjectOutcome? One(SubjectRow s, long[] totals)
        {
            Package package;
            ProfileRow profile;
            try
            {
                using (var json = JsonDocument.Parse(s.ProfileUtf8, ProfileJsonOptions)) profile = ProfileReader.Read(Catalog, json.RootElement, AsOf);
                package = Evaluator.Evaluate(Catalog, profile, AsOf);
            }
            // a stored profile the current schema no longer reads: left as it was
            catch (Exception e) when (e is ProfileException or JsonException) { return null; }
            var eligible = new byte[_bytes];
            var nearly = new byte[_bytes];
            foreach (var r in package.Results)
            {
                // entitled: eligible and not set aside by 就高不重复 (a lower tier of a group held at a higher one)
                if (r.Outcome == Outcome.Eligible && r.ExcludedByGroupNote == null) { Masks.Set(eligible, r.Policy.Index); totals[r.Policy.Index]++; }
                else if (r.Outcome == Outcome.Nearly && r.EligibleOn != null) Masks.Set(nearly, r.Policy.Index);
            }
            var map = s.StateRunId is { } runId ? Maps.GetValueOrDefault(runId) : null;
            var before = Masks.Remap(s.Eligible, map, _bytes);
            var nearlyBefore = Masks.Remap(s.Nearly, map, _bytes);
            bool changed = !eligible.AsSpan().SequenceEqual(before) || !nearly.AsSpan().SequenceEqual(nearlyBefore);
            if (!changed) return new SubjectOutcome();

            var o = new SubjectOutcome { State = new StateRow(s.Id, eligible, nearly) };
            Dictionary<int, PolicyResult>? byIndex = null;
            PolicyResult Result(int p) => (byIndex ??= package.Results.ToDictionary(r => r.Policy.Index))[p];
            for (int p = 0; p < Catalog.Policies.Count; p++)
            {
                bool e = Masks.Get(eligible, p), e0 = Masks.Get(before, p), n = Masks.Get(nearly, p), n0 = Masks.Get(nearlyBefore, p);
                var policy = Catalog.Policies[p];
                if (e && !e0)
                {
                    var r = Result(p);
                    (o.Changes ??= []).Add(new ChangeRow(s.Id, policy.Id, ChangeKind.NewlyEligible, r.Amount, null));
                    (o.Notices ??= []).Add(new NoticeRow(s.Id, policy.Id, GrantKeys.For(policy, AsOf), NoticeKind.Eligible,
                        NoticeText.EligibleTitle(policy), NoticeText.EligibleBody(policy, s.Kind, r.Amount), r.Amount, null, Now));
                }
                else if (!e && e0)
                    (o.Changes ??= []).Add(new ChangeRow(s.Id, policy.Id, ChangeKind.NoLongerEligible, null, null));
                if (n && !n0)
                {
                    var r = Result(p);
                    var on = r.EligibleOn!.Value;
                    // what it will grant on that day (time-dependent "nearly" results carry no amount today)
                    var amount = r.Amount ?? r.UncappedAmount
                        ?? Evaluator.Evaluate(Catalog, profile, on).Results.FirstOrDefault(x => x.Policy.Index == p && x.Outcome == Outcome.Eligible)?.Amount;
                    (o.Changes ??= []).Add(new ChangeRow(s.Id, policy.Id, ChangeKind.NearlyEligible, amount, on));
                    (o.Notices ??= []).Add(new NoticeRow(s.Id, policy.Id, GrantKeys.For(policy, on), NoticeKind.Reminder,
                        NoticeText.ReminderTitle(policy), NoticeText.ReminderBody(policy, s.Kind, on, amount), amount, on, ReminderTime(on)));
                }
                else if (!n && n0 && !e)
                    (o.Withdrawals ??= []).Add(new WithdrawRow(s.Id, policy.Id));
            }
            return o;
        }

        /// <summary>A reminder goes out at 09:00 China time on its date (never before the run).</summary>
        private DateTimeOffset ReminderTime(DateOnly on)
        {
            var at = new DateTimeOffset(on.ToDateTime(new TimeOnly(9, 0)), TimeSpan.FromHours(8)).ToUniversalTime();
            return at > Now ? at : Now;
        }

        public RunCounters CountersAfter(SweepBatch b, BatchWritten w) => new(
            _processed + b.Subjects, _skipped + b.Skipped,
            _newlyTotal + b.Changes.Count(c => c.Kind == ChangeKind.NewlyEligible),
            _noLongerTotal + b.Changes.Count(c => c.Kind == ChangeKind.NoLongerEligible),
            _remindersTotal + b.Changes.Count(c => c.Kind == ChangeKind.NearlyEligible),
            _withdrawn + w.RemindersWithdrawn, _notices + w.NoticesInserted);

        /// <summary>After the batch committed.</summary>
        public void Commit(SweepBatch b, BatchWritten w)
        {
            for (int p = 0; p < b.EligibleByPolicy.Length; p++) _eligible[p] += b.EligibleByPolicy[p];
            _processed += b.Subjects;
            _skipped += b.Skipped;
            foreach (var c in b.Changes)
            {
                int p = _index[c.PolicyId];
                switch (c.Kind)
                {
                    case ChangeKind.NewlyEligible: _newlyTotal++; _newly[p]++; break;
                    case ChangeKind.NoLongerEligible: _noLongerTotal++; _noLonger[p]++; break;
                    case ChangeKind.NearlyEligible: _remindersTotal++; _reminders[p]++; break;
                }
            }
            _withdrawn += w.RemindersWithdrawn;
            _notices += w.NoticesInserted;
        }

        public TimeSpan Reading, Evaluating, Writing;

        public SweepProgress Progress() => new(Run.Id, _processed, Run.SubjectsTotal, _newlyTotal, _noLongerTotal, _remindersTotal, _notices,
            Reading, Evaluating, Writing);

        public void CopyCounters(SweepRun run)
        {
            run.SubjectsProcessed = _processed;
            run.SubjectsSkipped = _skipped;
            run.NewlyEligible = _newlyTotal;
            run.NoLongerEligible = _noLongerTotal;
            run.RemindersScheduled = _remindersTotal;
            run.RemindersWithdrawn = _withdrawn;
            run.NoticesEnqueued = _notices;
        }

        /// <summary>Per policy with anything to report. The eligible totals cover the batches evaluated, which on a
        /// completed run is every subject.</summary>
        public string PerPolicyJson()
        {
            var o = new SortedDictionary<string, PolicyCounts>(StringComparer.Ordinal);
            for (int p = 0; p < Catalog.Policies.Count; p++)
                if (_eligible[p] + _newly[p] + _noLonger[p] + _reminders[p] > 0)
                    o[Catalog.Policies[p].Id] = new PolicyCounts(_eligible[p], _newly[p], _noLonger[p], _reminders[p]);
            return JsonSerializer.Serialize(o, PolicyCounts.Json);
        }
    }
}

/// <summary>A run's figures for one policy.</summary>
public sealed record PolicyCounts(long Eligible, int Newly, int NoLonger, int Reminders)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IReadOnlyDictionary<string, PolicyCounts> Parse(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, PolicyCounts>>(json, Json) ?? [];
}

/// <summary>Policy bit masks as little-endian bytes (bit i = policy index i).</summary>
public static class Masks
{
    public static int Bytes(int policies) => (policies + 7) / 8;

    public static void Set(byte[] m, int i) => m[i >> 3] |= (byte)(1 << (i & 7));

    public static bool Get(ReadOnlySpan<byte> m, int i) => (i >> 3) < m.Length && (m[i >> 3] & (1 << (i & 7))) != 0;

    /// <summary>A stored mask in this run's bit order: as stored when the order is the same (<paramref name="map"/> null),
    /// else each old bit moved to its policy's new position (bits of policies no longer in the catalog dropped).</summary>
    public static byte[] Remap(byte[]? stored, int[]? map, int bytes)
    {
        var m = new byte[bytes];
        if (stored == null) return m;
        if (map == null) { stored.AsSpan(0, Math.Min(stored.Length, bytes)).CopyTo(m); return m; }
        for (int i = 0; i < map.Length; i++)
            if (map[i] >= 0 && Get(stored, i)) Set(m, map[i]);
        return m;
    }

    public static IEnumerable<int> Bits(byte[] m)
    {
        for (int i = 0; i < m.Length * 8; i++) if (Get(m, i)) yield return i;
    }
}

internal static class StringExtensions
{
    public static string Truncate(this string s, int max) => s.Length <= max ? s : s[..max];
}
