using Microsoft.EntityFrameworkCore;

namespace TalentOne.Data;

/// <summary>The application's database. Append-only: rows are added, never changed or removed.
/// Each provider has its own subclass so that each keeps its own migrations (Migrations/Sqlite, Migrations/Postgres).</summary>
public abstract class TalentOneDb(DbContextOptions options) : DbContext(options)
{
    public DbSet<ParameterValueRecord> ParameterValues => Set<ParameterValueRecord>();
    public DbSet<CatalogLoadRecord> CatalogLoads => Set<CatalogLoadRecord>();

    protected override void OnModelCreating(ModelBuilder b)
    {
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

    // The history is evidence of which rules were in force: nothing is ever edited or deleted.
    private void RefuseChanges()
    {
        if (ChangeTracker.Entries().FirstOrDefault(e => e.State is EntityState.Modified or EntityState.Deleted) is { } entry)
            throw new InvalidOperationException($"{entry.Entity.GetType().Name} rows are never changed or deleted; add a new row instead.");
    }
}

public sealed class SqliteTalentOneDb(DbContextOptions<SqliteTalentOneDb> options) : TalentOneDb(options);

public sealed class PostgresTalentOneDb(DbContextOptions<PostgresTalentOneDb> options) : TalentOneDb(options);
