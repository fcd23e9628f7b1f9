using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using TalentOne.Data;
using TalentOne.Data.Codes;
using TalentOne.Data.Registry;
using TalentOne.Policies.Profiles;
using TalentOne.Registry.Records;

namespace TalentOne.Registry.Codes;

/// <summary>A code as its holder sees it: the register row and a token signed for it.</summary>
public sealed record HeldCode(IssuedCode Code, string Token);

/// <summary>What a scanning provider is shown: the fields its kind may see (null = not shown), the validity, and the
/// services of its kind that the code grants. Never an identity number.</summary>
public sealed record ProviderView(
    CodeKind Kind, string KindText, ProviderKindDef Provider, DateTimeOffset ValidUntil,
    string? Name, string? MaskedName, string? Category, string? City, string? MobileMasked, string? Registered, int? PolicyCount,
    IReadOnlyList<ServiceEntry> Services, string? Notice);

/// <summary>The outcome of a scan: a view for a valid code, otherwise the reason in Chinese.</summary>
public sealed record ScanResult(ScanOutcome Outcome, string Message, ProviderView? View)
{
    public bool Valid => Outcome == ScanOutcome.Valid;
}

/// <summary>A scan of one of the holder's codes, as the holder (or an auditor) reads it.</summary>
public sealed record ScanEntry(long Id, string? CodeId, DateTimeOffset At, string ProviderName, string ProviderKind, ScanOutcome Outcome);

/// <summary>Talent and enterprise codes (人才码 · 企业码): issued to a holder for a short time, scanned by service
/// providers who see only what their kind may see, revoked by the holder or the talent office. Every scan is recorded.</summary>
public sealed class CodeService(TalentOneDb db, TalentCodeSigner signer, TimeProvider clock)
{
    /// <summary>A displayed code lives one day: a screenshot passed on is soon worthless, and refreshing is one tap.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    public const string RefreshedReason = "已刷新（持码人生成了新码）";
    public const string HolderReason = "持码人作废";

    public static CodeKind KindOf(SubjectKind k) => k == SubjectKind.Enterprise ? CodeKind.Enterprise : CodeKind.Talent;

    public static string KindText(CodeKind k) => k == CodeKind.Enterprise ? "企业码" : "人才码";

    public static string KindCode(CodeKind k) => k == CodeKind.Enterprise ? "enterprise" : "talent";

    /// <summary>Issues a new code for the subject; earlier codes still in force are revoked (only the newest is valid).</summary>
    public async Task<HeldCode> IssueAsync(long subjectId, string byUserId, CancellationToken ct)
    {
        var subject = await db.Subjects.AsNoTracking().Where(s => s.Id == subjectId).Select(s => new { s.Id, s.Kind }).FirstOrDefaultAsync(ct)
            ?? throw new RegistryException("subject", "档案不存在", 404);
        var now = Now();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        foreach (var old in await ActiveAsync(subjectId, now, ct))
        {
            old.RevokedAt = now;
            old.RevokedBy = byUserId;
            old.RevokeReason = RefreshedReason;
        }
        var code = new IssuedCode
        {
            CodeId = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16)),
            SubjectId = subject.Id,
            Kind = KindOf(subject.Kind),
            IssuedAt = now,
            ExpiresAt = now + Lifetime,
            IssuedBy = byUserId,
        };
        db.Set<IssuedCode>().Add(code);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new HeldCode(code, Sign(code));
    }

    /// <summary>The subject's code in force (newest, not revoked, not expired), with a token; null when there is none.</summary>
    public async Task<HeldCode?> CurrentAsync(long subjectId, CancellationToken ct)
    {
        var latest = await LatestAsync(subjectId, ct);
        return latest != null && latest.RevokedAt == null && latest.ExpiresAt > Now() ? new HeldCode(latest, Sign(latest)) : null;
    }

    /// <summary>The newest code ever issued to the subject, whatever its state.</summary>
    public Task<IssuedCode?> LatestAsync(long subjectId, CancellationToken ct) =>
        db.Set<IssuedCode>().AsNoTracking().Where(c => c.SubjectId == subjectId).OrderByDescending(c => c.Id).FirstOrDefaultAsync(ct);

    /// <summary>The holder revokes its codes in force (e.g. a screenshot was passed on). Returns how many.</summary>
    public async Task<int> RevokeOwnAsync(long subjectId, string byUserId, string? reason, CancellationToken ct)
    {
        var now = Now();
        var active = await ActiveAsync(subjectId, now, ct);
        foreach (var c in active)
        {
            c.RevokedAt = now;
            c.RevokedBy = byUserId;
            c.RevokeReason = string.IsNullOrWhiteSpace(reason) ? HolderReason : reason.Trim();
        }
        await db.SaveChangesAsync(ct);
        return active.Count;
    }

    /// <summary>The talent office revokes any code, with a reason. Null when no such code exists.</summary>
    public async Task<IssuedCode?> RevokeAsync(string codeId, string byUserId, string reason, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(reason)) throw new RegistryException("reason", "作废须注明原因");
        if (reason.Trim().Length > 500) throw new RegistryException("reason", "原因不能超过 500 字");
        var code = await db.Set<IssuedCode>().FirstOrDefaultAsync(c => c.CodeId == codeId, ct);
        if (code == null) return null;
        if (code.RevokedAt != null) throw new RegistryException("codeId", $"该码已于 {code.RevokedAt.Value.ToOffset(TimeSpan.FromHours(8)):yyyy-MM-dd HH:mm} 作废", 409);
        code.RevokedAt = Now();
        code.RevokedBy = byUserId;
        code.RevokeReason = reason.Trim();
        await db.SaveChangesAsync(ct);
        return code;
    }

    /// <summary>Verifies a scanned token for a provider of <paramref name="provider"/>'s kind: signature and expiry,
    /// then revocation, then the view that kind may see, from the holder's current profile. The scan is recorded
    /// whatever the outcome.</summary>
    public async Task<ScanResult> VerifyAsync(string? token, string providerUserId, ProviderKindDef provider, ServiceCatalog services, CancellationToken ct)
    {
        var now = Now();
        var check = signer.Check(token, now, out var claims);
        ScanResult result;
        IssuedCode? code = null;
        if (check != TokenCheck.Valid)
        {
            // An expired token's signature verified: its code id can be trusted and named in the record.
            var signed = check == TokenCheck.Expired ? signer.SignedClaims(token) : null;
            if (signed != null) code = await db.Set<IssuedCode>().AsNoTracking().FirstOrDefaultAsync(c => c.CodeId == signed.CodeId, ct);
            var outcome = check switch { TokenCheck.Expired => ScanOutcome.Expired, TokenCheck.Tampered => ScanOutcome.Tampered, _ => ScanOutcome.Malformed };
            result = new ScanResult(outcome, Explain(outcome, code?.Kind ?? KindFromClaims(signed)), null);
        }
        else
        {
            code = await db.Set<IssuedCode>().AsNoTracking().FirstOrDefaultAsync(c => c.CodeId == claims!.CodeId, ct);
            var subject = code == null || code.SubjectId.ToString(CultureInfo.InvariantCulture) != claims!.Subject
                ? null : await db.Subjects.AsNoTracking().FirstOrDefaultAsync(s => s.Id == code.SubjectId, ct);
            if (code == null || subject == null)
                result = new ScanResult(ScanOutcome.Unknown, Explain(ScanOutcome.Unknown, KindFromClaims(claims)), null);
            else if (code.RevokedAt != null)
                result = new ScanResult(ScanOutcome.Revoked, Explain(ScanOutcome.Revoked, code.Kind), null);
            else
                result = new ScanResult(ScanOutcome.Valid, Explain(ScanOutcome.Valid, code.Kind), View(code, subject, provider, services, now));
        }
        db.Set<ScanRecord>().Add(new ScanRecord
        {
            CodeId = code?.CodeId,
            SubjectId = code?.SubjectId,
            ProviderUserId = providerUserId,
            ProviderKind = provider.Id,
            At = now,
            Outcome = result.Outcome,
        });
        await db.SaveChangesAsync(ct);
        return result;
    }

    /// <summary>The scans of the subject's codes, newest first.</summary>
    public async Task<IReadOnlyList<ScanEntry>> ScansAsync(long subjectId, ServiceCatalog? services, CancellationToken ct)
    {
        var rows = await db.Set<ScanRecord>().AsNoTracking().Where(s => s.SubjectId == subjectId).OrderByDescending(s => s.Id).Take(200).ToListAsync(ct);
        var ids = rows.Select(r => r.ProviderUserId).Distinct().ToList();
        var names = await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        return rows.Select(r => new ScanEntry(r.Id, r.CodeId, r.At, names.GetValueOrDefault(r.ProviderUserId, "（已删除的账号）"),
            services?.Providers.GetValueOrDefault(r.ProviderKind)?.Title ?? r.ProviderKind, r.Outcome)).ToList();
    }

    /// <summary>The codes issued to a subject, newest first (for auditors).</summary>
    public async Task<IReadOnlyList<IssuedCode>> CodesAsync(long subjectId, CancellationToken ct) =>
        await db.Set<IssuedCode>().AsNoTracking().Where(c => c.SubjectId == subjectId).OrderByDescending(c => c.Id).Take(200).ToListAsync(ct);

    public static string Explain(ScanOutcome outcome, CodeKind? kind)
    {
        var name = kind is { } k ? KindText(k) : "该码";
        return outcome switch
        {
            ScanOutcome.Valid => $"{name}有效",
            ScanOutcome.Malformed => "无法识别的二维码，请让持码人刷新后重新出示",
            ScanOutcome.Tampered => "二维码校验失败（可能被篡改），请勿办理",
            ScanOutcome.Expired => $"{name}已过期，请让持码人刷新后重新出示",
            ScanOutcome.Revoked => $"{name}已作废，请勿办理；如有疑问请让持码人刷新后重新出示",
            ScanOutcome.Unknown => $"{name}未在本平台登记，请勿办理",
            _ => "",
        };
    }

    public static string OutcomeCode(ScanOutcome o) => o.ToString().ToLowerInvariant();

    public static string OutcomeText(ScanOutcome o) => o switch
    {
        ScanOutcome.Valid => "有效",
        ScanOutcome.Malformed => "无法识别",
        ScanOutcome.Tampered => "校验失败（可能被篡改）",
        ScanOutcome.Expired => "已过期",
        ScanOutcome.Revoked => "已作废",
        ScanOutcome.Unknown => "未登记",
        _ => "",
    };

    private static ProviderView View(IssuedCode code, Subject subject, ProviderKindDef provider, ServiceCatalog services, DateTimeOffset now)
    {
        bool Sees(CodeField f) => provider.Sees.Contains(f);
        var today = DateOnly.FromDateTime(now.ToOffset(TimeSpan.FromHours(8)).DateTime);
        HolderAssessment? assessment = null;
        try { assessment = services.Assess(subject.ProfileJson, today); }
        catch (ProfileException) { }
        var profile = JsonNode.Parse(subject.ProfileJson) as JsonObject;
        var section = subject.Kind == SubjectKind.Enterprise ? "enterprise" : "work";
        var cityCode = profile?[section]?["city"]?.GetValue<string>();
        var city = cityCode == null ? null : services.Catalog.Schema.Enums.GetValueOrDefault("city")?.Find(cityCode)?.Label ?? cityCode;
        var registered = subject.Kind == SubjectKind.Enterprise ? profile?["enterprise"]?["registeredDate"]?.GetValue<string>() : null;
        return new ProviderView(code.Kind, KindText(code.Kind), provider, code.ExpiresAt,
            Sees(CodeField.Name) ? subject.Name : null,
            Sees(CodeField.MaskedName) ? MaskName(subject.Name, subject.Kind) : null,
            Sees(CodeField.Category) ? assessment?.Category ?? "档案待更新" : null,
            Sees(CodeField.City) ? city ?? "未填写" : null,
            Sees(CodeField.MobileMasked) ? subject.MobileMasked ?? "未登记" : null,
            Sees(CodeField.Registered) ? registered ?? "未填写" : null,
            Sees(CodeField.PolicyCount) ? assessment?.Package.Eligible.Count() : null,
            assessment?.Services.Where(s => s.Provider == provider.Id).ToList() ?? [],
            assessment == null ? "持码人档案需要更新，暂时无法确定可享受的服务，请让持码人更新档案后重新出示" : null);
    }

    /// <summary>张三 → 张*; an enterprise keeps its first and last two characters.</summary>
    public static string MaskName(string name, SubjectKind kind)
    {
        if (name.Length <= 1) return name;
        if (kind == SubjectKind.Enterprise && name.Length > 6) return name[..2] + new string('*', name.Length - 4) + name[^2..];
        return name[0] + new string('*', name.Length - 1);
    }

    private static CodeKind? KindFromClaims(TalentCodeClaims? c) => c?.Kind switch
    {
        "talent" => CodeKind.Talent,
        "enterprise" => CodeKind.Enterprise,
        _ => null,
    };

    private async Task<List<IssuedCode>> ActiveAsync(long subjectId, DateTimeOffset now, CancellationToken ct)
    {
        // Expiry is compared here, not in SQL: SQLite cannot compare DateTimeOffset values.
        var open = await db.Set<IssuedCode>().Where(c => c.SubjectId == subjectId && c.RevokedAt == null).OrderByDescending(c => c.Id).Take(100).ToListAsync(ct);
        return open.Where(c => c.ExpiresAt > now).ToList();
    }

    /// <summary>The token carries the code id, the subject's register number, the kind and the validity — no name,
    /// no category, no identity number: anyone may decode a QR code, only a signed-in provider sees the person.</summary>
    private string Sign(IssuedCode c) => signer.Sign(new TalentCodeClaims(c.CodeId, c.SubjectId.ToString(CultureInfo.InvariantCulture), KindCode(c.Kind), null, c.IssuedAt, c.ExpiresAt));

    /// <summary>Now, to the second: PostgreSQL keeps microseconds, and the token's times should equal the row's.</summary>
    private DateTimeOffset Now()
    {
        var n = clock.GetUtcNow();
        return new DateTimeOffset(n.Ticks - n.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
    }
}
