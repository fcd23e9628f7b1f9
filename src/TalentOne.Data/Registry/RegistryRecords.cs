using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace TalentOne.Data.Registry;

/// <summary>Rows of this type are evidence: they are added, never changed or deleted (the context refuses).</summary>
public interface IAppendOnly;

/// <summary>A sign-in account. Roles are Identity roles (see <c>Roles</c> in TalentOne.Registry); a talent or
/// enterprise account points at its registered subject, a reviewer at its department, a service provider names
/// the kind of service it provides (hospital, school, …).</summary>
public sealed class PlatformUser : IdentityUser
{
    public string DisplayName { get; set; } = "";
    /// <summary>Person or enterprise record this account acts for (talent, enterprise users).</summary>
    public long? SubjectId { get; set; }
    /// <summary>Department a staff account belongs to (window staff, reviewer, talent office).</summary>
    public string? DepartmentId { get; set; }
    /// <summary>For service-provider accounts: which provider kind it is (catalog/services.yaml), e.g. hospital.</summary>
    public string? ProviderKind { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public string? CreatedBy { get; set; }
}

/// <summary>A government unit that reviews, verifies or pays (市委人才办, 市人力社保局, …), per city.
/// Id is "{city}.{kind}", e.g. quzhou.hrss.</summary>
public sealed class Department
{
    public required string Id { get; set; }
    public required string City { get; set; }
    public required string Kind { get; set; }
    public required string Name { get; set; }
}

public enum SubjectKind { Person = 1, Enterprise = 2 }

/// <summary>A registered person or enterprise (建档): the one record per person (by resident ID) or per enterprise
/// (by unified social credit code). The current profile is held as the engine's profile JSON; how each fact got its
/// value is in <see cref="FactRecord"/>.</summary>
public sealed class Subject
{
    public long Id { get; set; }
    public SubjectKind Kind { get; set; }
    /// <summary>Person's name or enterprise's registered name.</summary>
    public required string Name { get; set; }
    /// <summary>Resident ID (person) or unified social credit code (enterprise), encrypted (AES-GCM).</summary>
    public byte[]? IdentifierCipher { get; set; }
    /// <summary>Keyed hash (HMAC) of the normalised identifier: the unique index behind "one person, one record".</summary>
    public required string IdentifierIndex { get; set; }
    /// <summary>Identifier as shown anywhere: 330102********1234.</summary>
    public required string IdentifierMasked { get; set; }
    public byte[]? MobileCipher { get; set; }
    public string? MobileMasked { get; set; }
    /// <summary>City whose departments look after the record (from work.city or enterprise.city).</summary>
    public string? City { get; set; }
    /// <summary>A person's employer, when registered.</summary>
    public long? EmployerId { get; set; }
    /// <summary>Current profile, in the policy engine's profile format.</summary>
    public string ProfileJson { get; set; } = "{}";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>Optimistic concurrency: two edits of one record cannot silently overwrite each other.</summary>
    public int Version { get; set; }
}

public enum FactStatus { Declared = 1, Verified = 2, Certified = 3, Imported = 4 }

/// <summary>One change of one fact of a subject's profile: old → new, who, when, on what authority. The latest row
/// per fact tells whether the current value is self-declared or verified (by which department, from which material).</summary>
public sealed class FactRecord : IAppendOnly
{
    public long Id { get; set; }
    public long SubjectId { get; set; }
    public Subject? Subject { get; set; }
    /// <summary>Profile path, e.g. education.level.</summary>
    public required string Fact { get; set; }
    /// <summary>JSON value before and after (null = unknown).</summary>
    public string? OldValueJson { get; set; }
    public string? NewValueJson { get; set; }
    public FactStatus Status { get; set; }
    public string? DepartmentId { get; set; }
    /// <summary>Material the value was verified from (description or material id).</summary>
    public string? Material { get; set; }
    public required string ByUserId { get; set; }
    public DateTimeOffset At { get; set; }
    public string? Note { get; set; }
}

internal sealed class PlatformUserConfig : IEntityTypeConfiguration<PlatformUser>
{
    public void Configure(EntityTypeBuilder<PlatformUser> e)
    {
        e.Property(x => x.DisplayName).HasMaxLength(100);
        e.Property(x => x.DepartmentId).HasMaxLength(64);
        e.Property(x => x.ProviderKind).HasMaxLength(64);
        e.Property(x => x.CreatedBy).HasMaxLength(100);
        e.HasIndex(x => x.SubjectId);
    }
}

internal sealed class DepartmentConfig : IEntityTypeConfiguration<Department>
{
    public void Configure(EntityTypeBuilder<Department> e)
    {
        e.ToTable("departments");
        e.Property(x => x.Id).HasMaxLength(64);
        e.Property(x => x.City).HasMaxLength(32);
        e.Property(x => x.Kind).HasMaxLength(32);
        e.Property(x => x.Name).HasMaxLength(100);
    }
}

internal sealed class SubjectConfig : IEntityTypeConfiguration<Subject>
{
    public void Configure(EntityTypeBuilder<Subject> e)
    {
        e.ToTable("subjects");
        e.Property(x => x.Name).HasMaxLength(200);
        e.Property(x => x.IdentifierIndex).HasMaxLength(64);
        e.Property(x => x.IdentifierMasked).HasMaxLength(32);
        e.Property(x => x.MobileMasked).HasMaxLength(16);
        e.Property(x => x.City).HasMaxLength(32);
        e.Property(x => x.ProfileJson).HasMaxLength(64_000);
        e.Property(x => x.Version).IsConcurrencyToken();
        e.HasIndex(x => new { x.Kind, x.IdentifierIndex }).IsUnique();
        e.HasIndex(x => x.EmployerId);
    }
}

internal sealed class FactRecordConfig : IEntityTypeConfiguration<FactRecord>
{
    public void Configure(EntityTypeBuilder<FactRecord> e)
    {
        e.ToTable("fact_records");
        e.Property(x => x.Fact).HasMaxLength(100);
        e.Property(x => x.OldValueJson).HasMaxLength(4_000);
        e.Property(x => x.NewValueJson).HasMaxLength(4_000);
        e.Property(x => x.DepartmentId).HasMaxLength(64);
        e.Property(x => x.Material).HasMaxLength(500);
        e.Property(x => x.ByUserId).HasMaxLength(64);
        e.Property(x => x.Note).HasMaxLength(1_000);
        e.HasIndex(x => new { x.SubjectId, x.Fact, x.Id });
    }
}
