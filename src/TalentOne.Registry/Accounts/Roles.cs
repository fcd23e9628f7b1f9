namespace TalentOne.Registry.Accounts;

/// <summary>The platform's roles. A person holds one: talents and enterprise users register themselves, staff and
/// service-provider accounts are created by the talent office.</summary>
public static class Roles
{
    /// <summary>A person (人才).</summary>
    public const string Talent = "talent";
    /// <summary>A user of an enterprise account (企业); several users may act for one enterprise.</summary>
    public const string Enterprise = "enterprise";
    /// <summary>综合窗口 staff: registers and updates records on behalf of applicants, verifies facts from materials.</summary>
    public const string Window = "window";
    /// <summary>部门审核人员, scoped to one department: certifies and verifies for that department only.</summary>
    public const string Reviewer = "reviewer";
    /// <summary>人才办 administrator: accounts, parameters, sweeps, imports.</summary>
    public const string Admin = "admin";
    /// <summary>审计人员: reads everything, changes nothing.</summary>
    public const string Auditor = "auditor";
    /// <summary>服务机构 (hospital, school, talent apartment, bus company): scans talent codes.</summary>
    public const string Provider = "provider";

    public static readonly IReadOnlyList<string> All = [Talent, Enterprise, Window, Reviewer, Admin, Auditor, Provider];

    /// <summary>Roles whose accounts only the talent office creates.</summary>
    public static readonly IReadOnlyList<string> Staff = [Window, Reviewer, Admin, Auditor, Provider];

    public static string Label(string role) => role switch
    {
        Talent => "人才",
        Enterprise => "企业用户",
        Window => "综合窗口",
        Reviewer => "部门审核人员",
        Admin => "人才办管理员",
        Auditor => "审计人员",
        Provider => "服务机构",
        _ => role,
    };
}

/// <summary>Authorization policy names used by pages and endpoints.</summary>
public static class AccessPolicies
{
    public const string Talent = "talent";
    public const string Enterprise = "enterprise";
    /// <summary>Talent or enterprise: the holder of a record.</summary>
    public const string Holder = "holder";
    /// <summary>Window staff, reviewers and the talent office: may handle records.</summary>
    public const string Staff = "staff";
    public const string Reviewer = "reviewer";
    public const string Admin = "admin";
    /// <summary>Talent office and auditors: read every record and report.</summary>
    public const string Oversight = "oversight";
    /// <summary>Staff or auditors: may read records (auditors change nothing).</summary>
    public const string StaffOrOversight = "staff-or-oversight";
    public const string Provider = "provider";
}
