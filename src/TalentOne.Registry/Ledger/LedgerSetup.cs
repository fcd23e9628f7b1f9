using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace TalentOne.Registry.Ledger;

public static class LedgerSetup
{
    /// <summary>The ledger, its SM2 key (keys folder), signer, verifier and proofs. The background signer is added by
    /// <see cref="AddLedgerSigning"/> (the web host), not on the command line.</summary>
    public static IHostApplicationBuilder AddLedger(this IHostApplicationBuilder builder)
    {
        var s = builder.Services;
        s.AddSingleton(sp => LedgerKey.LoadOrCreate(sp.GetRequiredService<KeysFolder>().Path));
        s.AddSingleton(sp => LedgerOptions.From(sp.GetRequiredService<IConfiguration>()));
        s.AddScoped<Ledger>();
        s.AddScoped<LedgerSigner>();
        s.AddScoped<LedgerVerifier>();
        s.AddScoped<LedgerProofs>();
        return builder;
    }

    public static IHostApplicationBuilder AddLedgerSigning(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHostedService<LedgerSigningService>();
        return builder;
    }
}
