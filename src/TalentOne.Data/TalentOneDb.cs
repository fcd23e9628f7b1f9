using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using TalentOne.Data.Registry;

namespace TalentOne.Data;

/// <summary>The application's database, with the Identity tables. Evidence rows (<see cref="IAppendOnly"/>, parameter
/// values, catalog loads) are added, never changed or removed. Each feature configures its own tables with an
/// <see cref="IEntityTypeConfiguration{TEntity}"/> in this assembly. Each provider has its own subclass so that each
/// keeps its own migrations (Migrations/Sqlite, Migrations/Postgres).</summary>
public abstract class TalentOneDb(DbContextOptions options) : IdentityDbContext<PlatformUser>(options)
{
    public DbSet<ParameterValueRecord> ParameterValues => Set<ParameterValueRecord>();
    public DbSet<CatalogLoadRecord> CatalogLoads => Set<CatalogLoadRecord>();
    public DbSet<Department> Departments => Set<Department>();
    public DbSet<Subject> Subjects => Set<Subject>();
    public DbSet<FactRecord> FactRecords => Set<FactRecord>();

    protected override void OnModelCreating(ModelBuilder b)
    {
        base.OnModelCreating(b);
        b.ApplyConfigurationsFromAssembly(typeof(TalentOneDb).Assembly);
        b.Entity<ParameterValueRecord>(e =>
        {
            e.ToTable("parameter_values");
            e.Property(x => x.Parameter).HasMaxLength(200);
            e.Property(x => x.ByKeyJson).HasMaxLength(20_000);
            e.Property(x => x.Source).HasMaxLength(2_000);
            e.Property(x => x.CreatedBy).HasMaxLength(200);
            e.HasIndex(x => new { x.Parameter, x.From });
        });
        b.Entity<CatalogLoadRecord>(e =>
        {
            e.ToTable("catalog_loads");
            e.Property(x => x.Version).HasMaxLength(64);
            e.Property(x => x.Trigger).HasMaxLength(32);
        });
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        RefuseChanges();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        RefuseChanges();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    // Evidence (which rules were in force, who changed what) is never edited or deleted.
    private void RefuseChanges()
    {
        if (ChangeTracker.Entries().FirstOrDefault(e => e.State is EntityState.Modified or EntityState.Deleted
                && e.Entity is IAppendOnly or ParameterValueRecord or CatalogLoadRecord) is { } entry)
            throw new InvalidOperationException($"{entry.Entity.GetType().Name} rows are never changed or deleted; add a new row instead.");
    }
}

public sealed class SqliteTalentOneDb(DbContextOptions<SqliteTalentOneDb> options) : TalentOneDb(options);

public sealed class PostgresTalentOneDb(DbContextOptions<PostgresTalentOneDb> options) : TalentOneDb(options);
