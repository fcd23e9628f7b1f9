using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace TalentOne.Registry.Certification;

public static class CertificationSetup
{
    /// <summary>The certification routes (one load per policy catalog) and the service. Needs <c>AddRegistry()</c>.</summary>
    public static IHostApplicationBuilder AddCertificationServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<CertificationRoutes>();
        builder.Services.AddScoped<CertificationService>();
        builder.Services.AddScoped<TalentOne.Registry.Sweeps.IBeforeSweep, ExpireCertificationsBeforeSweep>();
        return builder;
    }
}

/// <summary>A sweep sees certified categories as of its date: those past their validity are expired first.</summary>
public sealed class ExpireCertificationsBeforeSweep(CertificationService certifications) : TalentOne.Registry.Sweeps.IBeforeSweep
{
    public Task PrepareAsync(TalentOne.Policies.Catalog.PolicyCatalog catalog, DateOnly asOf, CancellationToken ct) => certifications.ExpireAsync(catalog, asOf, ct);
}
