using System.Runtime.CompilerServices;
using TalentOne.Policies.Catalog;
using TalentOne.Policies.Language;

namespace TalentOne.Registry.Certification;

/// <summary>The certification routes that go with a policy catalog: loaded once per catalog instance (a reload of the
/// catalog brings a new instance, so the routes are re-read and re-bound against its schema with it).</summary>
public sealed class CertificationRoutes
{
    private readonly ConditionalWeakTable<PolicyCatalog, Lazy<(CertificationCatalog? Routes, CatalogException? Error)>> _loaded = [];

    /// <summary>The routes for <paramref name="policies"/>; throws <see cref="CatalogException"/> (file:line:column
    /// messages) when the certification files do not load.</summary>
    public CertificationCatalog For(PolicyCatalog policies)
    {
        var entry = _loaded.GetValue(policies, p => new Lazy<(CertificationCatalog?, CatalogException?)>(() =>
        {
            try { return (CertificationCatalog.Load(p), null); }
            catch (CatalogException ce) { return (null, ce); }
        })).Value;
        return entry.Routes ?? throw entry.Error!;
    }
}
