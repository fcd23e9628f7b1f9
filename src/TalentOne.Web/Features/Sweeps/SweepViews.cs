using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using MiniExcelLibs;
using TalentOne.Data;
using TalentOne.Data.Sweeps;
using TalentOne.Policies.Catalog;
using TalentOne.Registry.Sweeps;
using TalentOne.Web.Features.Records;

namespace TalentOne.Web.Features.Sweeps;

public sealed record SweepRunDto(long Id, string AsOf, string CatalogVersion, string Status, string StatusText, string Trigger, string TriggerText,
    string StartedAt, string? FinishedAt, int SubjectsTotal, int SubjectsProcessed, int SubjectsSkipped, int NewlyEligible, int NoLongerEligible,
    int RemindersScheduled, int RemindersWithdrawn, int NoticesEnqueued, string? Error);

public sealed record PolicyCountDto(string PolicyId, string Title, string? Source, long Eligible, int Newly, int NoLonger, int Reminders);

public sealed record ChangeDto(long SubjectId, string Name, string IdentifierMasked, string PolicyId, string PolicyTitle, string Kind, string KindText,
    double? Amount, string? EligibleOn);

public sealed record ChannelDto(string Channel, string Status, string StatusText, int Attempts, string? NextAttemptAt, string? SentAt, string? LastError);

public sealed record NotifiedDto(long NoticeId, long SubjectId, string Name, string IdentifierMasked, string? MobileMasked, string PolicyId,
    string PolicyTitle, string Kind, string KindText, string GrantKey, double? Amount, string? NotBefore, IReadOnlyList<ChannelDto> Channels, string? ReadAt);

public sealed record SweepDetailDto(SweepRunDto Run, IReadOnlyList<PolicyCountDto> PerPolicy, int ChangesTotal, IReadOnlyList<ChangeDto> Changes,
    int NotifiedTotal, IReadOnlyList<NotifiedDto> Notified);

public sealed record MessageDto(long Id, string Kind, string KindText, string PolicyId, string Title, string Body, double? Amount,
    string? NotBefore, string DeliveredAt, string? ReadAt);

/// <summary>What the sweep pages and endpoints show: history, one run with its counts per policy, changes and the people
/// notified (masked, within the reader's city scope), the export, and a holder's messages.</summary>
public static class SweepViews
{
    public static string StatusText(string s) => s switch
    {
        SweepStatus.Running => "进行中",
        SweepStatus.Completed => "已完成",
        SweepStatus.Failed => "失败或中断",
        _ => s,
    };

    public static string TriggerText(string t) => t switch
    {
        SweepTrigger.Schedule => "每日定时",
        SweepTrigger.Cli => "命令行",
        SweepTrigger.Admin => "管理员手动",
        _ => t,
    };

    public static string ChangeText(string k) => k switch
    {
        ChangeKind.NewlyEligible => "新符合",
        ChangeKind.NoLongerEligible => "不再符合",
        ChangeKind.NearlyEligible => "即将符合（已安排提醒）",
        _ => k,
    };

    public static string NoticeKindText(string k) => k switch
    {
        NoticeKind.Reminder => "到期提醒",
        NoticeKind.Case => "办件进度",
        _ => "符合通知",
    };

    /// <summary>Where a message leads: the policy it is about, or the case.</summary>
    public static (string Href, string Text) NoticeLink(string kind, string policyId) => kind == NoticeKind.Case
        ? ("/me/cases#case-" + policyId["case:".Length..], "查看办件进度")
        : ("/catalog/" + policyId, "查看政策原文");

    public static string ChannelText(string c) => c == OutboxChannel.Sms ? "短信" : "站内消息";

    public static string OutboxText(string s) => s switch
    {
        OutboxStatus.Pending => "待发送",
        OutboxStatus.Failed => "失败，待重试",
        OutboxStatus.Sent => "已发送",
        OutboxStatus.Dead => "已放弃",
        _ => s,
    };

    private static string China(DateTimeOffset t) => t.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    public static SweepRunDto ToDto(SweepRun r) => new(r.Id, r.AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), r.CatalogVersion,
        r.Status, StatusText(r.Status), r.Trigger, TriggerText(r.Trigger), China(r.StartedAt), r.FinishedAt is { } f ? China(f) : null,
        r.SubjectsTotal, r.SubjectsProcessed, r.SubjectsSkipped, r.NewlyEligible, r.NoLongerEligible, r.RemindersScheduled, r.RemindersWithdrawn,
        r.NoticesEnqueued, r.Error);

    public static async Task<List<SweepRunDto>> HistoryAsync(TalentOneDb db, int take, CancellationToken ct) =>
        (await db.Set<SweepRun>().AsNoTracking().OrderByDescending(r => r.Id).Take(take).ToListAsync(ct)).Select(ToDto).ToList();

    private static string Title(PolicyCatalog? catalog, string id) => catalog != null && catalog.ById.TryGetValue(id, out var p) ? p.Title : id;

    public static IReadOnlyList<PolicyCountDto> PerPolicy(SweepRun run, PolicyCatalog? catalog) =>
        PolicyCounts.Parse(run.PerPolicyJson)
            .Select(x =>
            {
                var p = catalog != null && catalog.ById.TryGetValue(x.Key, out var found) ? found : null;
                return new PolicyCountDto(x.Key, p?.Title ?? x.Key, p == null ? null : $"{p.Document.Number} {p.Article}", x.Value.Eligible, x.Value.Newly, x.Value.NoLonger, x.Value.Reminders);
            })
            .OrderByDescending(x => x.Newly).ThenByDescending(x => x.Eligible).ThenBy(x => x.PolicyId, StringComparer.Ordinal).ToList();

    public static async Task<SweepDetailDto?> DetailAsync(long id, ClaimsPrincipal user, TalentOneDb db, PolicyCatalog? catalog,
        string? policy, int skip, int take, CancellationToken ct)
    {
        var run = await db.Set<SweepRun>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct);
        if (run == null) return null;
        var subjects = RecordsApi.Scoped(db.Subjects.AsNoTracking(), user);

        var changes = from c in db.Set<EligibilityChange>().AsNoTracking().Where(c => c.RunId == id && (policy == null || c.PolicyId == policy))
                      join s in subjects on c.SubjectId equals s.Id
                      select new { c, s.Name, s.IdentifierMasked };
        var changesTotal = await changes.CountAsync(ct);
        var changeRows = await changes.OrderBy(x => x.c.Id).Skip(skip).Take(take).ToListAsync(ct);

        var notices = from n in db.Set<Notice>().AsNoTracking().Where(n => n.RunId == id && (policy == null || n.PolicyId == policy))
                      join s in subjects on n.SubjectId equals s.Id
                      select new { n, s.Name, s.IdentifierMasked, s.MobileMasked };
        var noticesTotal = await notices.CountAsync(ct);
        var noticeRows = await notices.OrderBy(x => x.n.Id).Skip(skip).Take(take).ToListAsync(ct);
        var ids = noticeRows.Select(x => x.n.Id).ToList();
        var outbox = (await db.Set<OutboxMessage>().AsNoTracking().Where(o => ids.Contains(o.NoticeId)).ToListAsync(ct)).ToLookup(o => o.NoticeId);

        return new SweepDetailDto(ToDto(run), PerPolicy(run, catalog), changesTotal,
            changeRows.Select(x => new ChangeDto(x.c.SubjectId, x.Name, x.IdentifierMasked, x.c.PolicyId, Title(catalog, x.c.PolicyId), x.c.Kind,
                ChangeText(x.c.Kind), x.c.Amount, x.c.EligibleOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))).ToList(),
            noticesTotal,
            noticeRows.Select(x => new NotifiedDto(x.n.Id, x.n.SubjectId, x.Name, x.IdentifierMasked, x.MobileMasked, x.n.PolicyId, Title(catalog, x.n.PolicyId),
                x.n.Kind, NoticeKindText(x.n.Kind), x.n.GrantKey, x.n.Amount, x.n.NotBefore?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                outbox[x.n.Id].OrderBy(o => o.Channel == OutboxChannel.Sms ? 0 : 1).Select(Channel).ToList(),
                x.n.ReadAt is { } r ? China(r) : null)).ToList());
    }

    private static ChannelDto Channel(OutboxMessage o) => new(o.Channel, o.Status, OutboxText(o.Status), o.Attempts,
        o.Status is OutboxStatus.Pending or OutboxStatus.Failed ? China(o.NextAttemptAt) : null, o.SentAt is { } s ? China(s) : null, o.LastError);

    /// <summary>The run as a workbook in a temporary file (deleted when the returned stream is closed): 概况, 按政策统计,
    /// 变化明细 and 通知 sheets, rows streamed from the database.</summary>
    public static async Task<FileStream?> ExportAsync(long id, ClaimsPrincipal user, TalentOneDb db, PolicyCatalog? catalog, CancellationToken ct)
    {
        var run = await db.Set<SweepRun>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct);
        if (run == null) return null;
        var dto = ToDto(run);
        var subjects = RecordsApi.Scoped(db.Subjects.AsNoTracking(), user);
        var summary = new List<Dictionary<string, object?>>
        {
            Row(("项目", "巡检编号"), ("值", dto.Id)), Row(("项目", "评估日"), ("值", dto.AsOf)), Row(("项目", "目录版本"), ("值", dto.CatalogVersion)),
            Row(("项目", "状态"), ("值", dto.StatusText)), Row(("项目", "触发方式"), ("值", dto.TriggerText)),
            Row(("项目", "开始时间"), ("值", dto.StartedAt)), Row(("项目", "结束时间"), ("值", dto.FinishedAt)),
            Row(("项目", "档案总数"), ("值", dto.SubjectsTotal)), Row(("项目", "已处理"), ("值", dto.SubjectsProcessed)),
            Row(("项目", "无法读取"), ("值", dto.SubjectsSkipped)), Row(("项目", "新符合"), ("值", dto.NewlyEligible)),
            Row(("项目", "不再符合"), ("值", dto.NoLongerEligible)), Row(("项目", "安排提醒"), ("值", dto.RemindersScheduled)),
            Row(("项目", "撤回提醒"), ("值", dto.RemindersWithdrawn)), Row(("项目", "新通知"), ("值", dto.NoticesEnqueued)),
        };
        var perPolicy = PerPolicy(run, catalog).Select(p => Row(("政策编号", p.PolicyId), ("政策", p.Title), ("出处", p.Source),
            ("符合人数", p.Eligible), ("新符合", p.Newly), ("不再符合", p.NoLonger), ("安排提醒", p.Reminders))).ToList();

        // streamed: the sheets enumerate their queries while the workbook is written
        var changes = (from c in db.Set<EligibilityChange>().AsNoTracking().Where(c => c.RunId == id)
                       join s in subjects on c.SubjectId equals s.Id
                       orderby c.Id
                       select new { c.SubjectId, s.Name, s.IdentifierMasked, c.PolicyId, c.Kind, c.Amount, c.EligibleOn })
            .AsEnumerable()
            .Select(x => Row(("档案编号", x.SubjectId), ("姓名/名称", x.Name), ("证件号（脱敏）", x.IdentifierMasked), ("政策编号", x.PolicyId),
                ("政策", Title(catalog, x.PolicyId)), ("变化", ChangeText(x.Kind)), ("金额", x.Amount), ("符合日期", x.EligibleOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))));
        var notified = (from n in db.Set<Notice>().AsNoTracking().Where(n => n.RunId == id)
                        join s in subjects on n.SubjectId equals s.Id
                        orderby n.Id
                        select new
                        {
                            n.Id, n.SubjectId, s.Name, s.MobileMasked, n.PolicyId, n.Kind, n.NotBefore,
                            Sms = db.Set<OutboxMessage>().Where(o => o.NoticeId == n.Id && o.Channel == OutboxChannel.Sms).Select(o => o.Status).FirstOrDefault(),
                            InApp = db.Set<OutboxMessage>().Where(o => o.NoticeId == n.Id && o.Channel == OutboxChannel.InApp).Select(o => o.Status).FirstOrDefault(),
                        })
            .AsEnumerable()
            .Select(x => Row(("通知编号", x.Id), ("档案编号", x.SubjectId), ("姓名/名称", x.Name), ("手机号（脱敏）", x.MobileMasked), ("政策编号", x.PolicyId),
                ("政策", Title(catalog, x.PolicyId)), ("类型", NoticeKindText(x.Kind)), ("发送日期", x.NotBefore?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
                ("短信", x.Sms is { } sms ? OutboxText(sms) : null), ("站内消息", x.InApp is { } inApp ? OutboxText(inApp) : null)));

        var path = Path.Combine(Path.GetTempPath(), $"talentone-sweep-{id}-{Guid.NewGuid():N}.xlsx");
        var sheets = new Dictionary<string, object>
        {
            ["概况"] = summary,
            ["按政策统计"] = perPolicy,
            ["变化明细"] = WithHeader(changes, "档案编号", "姓名/名称", "证件号（脱敏）", "政策编号", "政策", "变化", "金额", "符合日期"),
            ["通知"] = WithHeader(notified, "通知编号", "档案编号", "姓名/名称", "手机号（脱敏）", "政策编号", "政策", "类型", "发送日期", "短信", "站内消息"),
        };
        try
        {
            await Task.Run(() => MiniExcel.SaveAs(path, sheets), ct);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
    }

    private static Dictionary<string, object?> Row(params (string Column, object? Value)[] cells)
    {
        var d = new Dictionary<string, object?>(cells.Length);
        foreach (var (c, v) in cells) d[c] = v;
        return d;
    }

    /// <summary>An empty sheet still gets its header row.</summary>
    private static IEnumerable<Dictionary<string, object?>> WithHeader(IEnumerable<Dictionary<string, object?>> rows, params string[] columns)
    {
        bool any = false;
        foreach (var r in rows) { any = true; yield return r; }
        if (!any) yield return columns.ToDictionary(c => c, _ => (object?)null);
    }

    public static async Task<List<MessageDto>> MessagesAsync(long subjectId, TalentOneDb db, CancellationToken ct)
    {
        // delivered in-app (a reminder is delivered on its date, not before); newest first
        var rows = await db.Set<Notice>().AsNoTracking().Where(n => n.SubjectId == subjectId && n.DeliveredAt != null)
            .OrderByDescending(n => n.Id).Take(200).ToListAsync(ct);
        return rows.OrderByDescending(n => n.DeliveredAt).ThenByDescending(n => n.Id)
            .Select(n => new MessageDto(n.Id, n.Kind, NoticeKindText(n.Kind), n.PolicyId, n.Title, n.Body, n.Amount,
                n.NotBefore?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), China(n.DeliveredAt!.Value), n.ReadAt is { } r ? China(r) : null)).ToList();
    }
}
