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
        return builder;
    }
}
