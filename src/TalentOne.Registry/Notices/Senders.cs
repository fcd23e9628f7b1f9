using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using TalentOne.Data;
using TalentOne.Data.Sweeps;
using TalentOne.Policies.Catalog;

namespace TalentOne.Registry.Notices;

/// <summary>One notice to deliver on one channel. The plain mobile number is decrypted only if a sender asks for it.</summary>
public sealed record NoticeDelivery(long OutboxId, string Channel, Notice Notice, string? MobileMasked, Func<string?> Mobile, DateTimeOffset Now);

public enum SendOutcome { Sent, Retry, Permanent }

public readonly record struct SendResult(SendOutcome Outcome, string? Error)
{
    public static SendResult Ok => new(SendOutcome.Sent, null);
    /// <summary>Failed this time; try again later.</summary>
    public static SendResult Retry(string error) => new(SendOutcome.Retry, error);
    /// <summary>Will never work (no mobile number, refused by the gateway): no more attempts.</summary>
    public static SendResult Permanent(string error) => new(SendOutcome.Permanent, error);
}

/// <summary>A way of delivering notices (SMS gateway, in-app message, …); one per channel. Replace the default
/// <see cref="LogFileSmsSender"/> with a real gateway by registering another <see cref="INoticeSender"/> for "sms".</summary>
public interface INoticeSender
{
    string Channel { get; }
    Task<SendResult> SendAsync(NoticeDelivery delivery, CancellationToken ct);
}

/// <summary>The default SMS "gateway": one line per message in a log file (TalentOne:Sms:LogFile, default
/// data/sms.log under the platform home), with the mobile number MASKED and the subject id — never the plain number.</summary>
public sealed class LogFileSmsSender(string path) : INoticeSender
{
    private static readonly object FileLock = new();
    private static readonly TimeSpan China = TimeSpan.FromHours(8);

    public string Path { get; } = path;
    public string Channel => OutboxChannel.Sms;

    public static string PathFrom(IConfiguration config, string contentRoot)
    {
        var home = PlatformHome.Find(contentRoot) ?? contentRoot;
        return config["TalentOne:Sms:LogFile"] is { Length: > 0 } f ? System.IO.Path.GetFullPath(f, home) : System.IO.Path.Combine(home, "data", "sms.log");
    }

    public Task<SendResult> SendAsync(NoticeDelivery d, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(d.MobileMasked)) return Task.FromResult(SendResult.Permanent("档案没有手机号"));
        var line = string.Join('\t',
            d.Now.ToOffset(China).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
            "mobile=" + d.MobileMasked,
            "subject=" + d.Notice.SubjectId.ToString(CultureInfo.InvariantCulture),
            "notice=" + d.Notice.Id.ToString(CultureInfo.InvariantCulture),
            "【人才一件事】" + d.Notice.Body.ReplaceLineEndings(" ")) + "\n";
        lock (FileLock)
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
            using var f = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
            var bytes = Encoding.UTF8.GetBytes(line);
            f.Write(bytes);
        }
        return Task.FromResult(SendResult.Ok);
    }
}

/// <summary>The in-app message (消息中心): delivering it makes the notice visible to its subject.</summary>
public sealed class InAppSender(TalentOneDb db) : INoticeSender
{
    public string Channel => OutboxChannel.InApp;

    public async Task<SendResult> SendAsync(NoticeDelivery d, CancellationToken ct)
    {
        await db.Set<Notice>().Where(n => n.Id == d.Notice.Id && n.DeliveredAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(n => n.DeliveredAt, d.Now), ct);
        return SendResult.Ok;
    }
}
