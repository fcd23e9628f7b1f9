using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace TalentOne.Registry.Ledger;

public static class LedgerSetup
{
    /// <summary>The ledger, its SM2 key (keys folder), signer, verifier and proofs. The background signer is added by
    /// <see cref="AddLedgerSigning"/> (the web host), not on the command line. Called by AddRegistry (services that record to the
    /// ledger need it); calling it again is harmless.</summary>
    public static IHostApplicationBuilder AddLedger(this IHostApplicationBuilder builder)
    {
        var s = builder.Services;
        s.TryAddSingleton(sp => LedgerKey.LoadOrCreate(sp.GetRequiredService<KeysFolder>().Path));
        s.TryAddSingleton(sp => LedgerOptions.From(sp.GetRequiredService<IConfiguration>()));
        s.TryAddScoped<Ledger>();
        s.TryAddScoped<LedgerSigner>();
        s.TryAddScoped<LedgerVerifier>();
        s.TryAddScoped<LedgerProofs>();
        return builder;
    }

    public static IHostApplicationBuilder AddLedgerSigning(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHostedService<LedgerSigningService>();
        return builder;
    }
}
