using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TalentOne.Registry.Notices;

namespace TalentOne.Registry.Sweeps;

public static class SweepSetup
{
    /// <summary>The sweep, the outbox dispatcher and the default senders (SMS to a log file, in-app messages).</summary>
    public static IHostApplicationBuilder AddSweepServices(this IHostApplicationBuilder builder)
    {
        var s = builder.Services;
        s.AddSingleton(sp => OutboxOptions.From(sp.GetRequiredService<IConfiguration>()));
        s.AddSingleton<INoticeSender>(sp => new LogFileSmsSender(LogFileSmsSender.PathFrom(
            sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<IHostEnvironment>().ContentRootPath)));
        s.AddScoped<INoticeSender, InAppSender>();
        s.AddScoped<SweepRunner>();
        s.AddScoped<OutboxDispatcher>();
        return builder;
    }
}
