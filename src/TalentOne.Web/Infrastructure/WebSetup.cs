using Scalar.AspNetCore;

namespace TalentOne.Web.Infrastructure;

public static class WebSetup
{
    /// <summary>Problem details, JSON, OpenAPI, Razor Pages and the clock.</summary>
    public static WebApplicationBuilder AddWebPlatform(this WebApplicationBuilder builder)
    {
        // http://localhost:5080 unless an address is configured (--urls, ASPNETCORE_URLS, ASPNETCORE_HTTP_PORTS, Kestrel:Endpoints).
        var c = builder.Configuration;
        if (string.IsNullOrEmpty(c["urls"]) && string.IsNullOrEmpty(c["http_ports"]) && string.IsNullOrEmpty(c["https_ports"]) && !c.GetSection("Kestrel:Endpoints").Exists())
            builder.WebHost.UseUrls("http://localhost:5080");
        // Serve wwwroot (and its precompressed copies) from build output in every environment, not only in Development;
        // published output has no manifest and is unaffected.
        builder.WebHost.UseStaticWebAssets();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Encoder = Json.Encoder);
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer((doc, _, _) =>
        {
            doc.Info.Title = "TalentOne 人才政策 API";
            doc.Info.Description = "按档案计算可享受的人才政策（金额、出处、原文），浏览政策目录与参数。错误一律以 problem+json 返回。";
            return Task.CompletedTask;
        }));
        builder.Services.AddRazorPages();
        // Pages are Chinese: write CJK text as characters, not &#x…; entities (<, >, &, quotes are still escaped).
        builder.Services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(o =>
            o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        return builder;
    }

    /// <summary>API errors as problem+json; page errors as a page. Never a stack trace.</summary>
    public static WebApplication UseErrorHandling(this WebApplication app)
    {
        app.UseWhen(c => IsApi(c.Request.Path), api =>
        {
            api.UseExceptionHandler();
            api.UseStatusCodePages();
        });
        app.UseWhen(c => !IsApi(c.Request.Path), pages =>
        {
            pages.UseExceptionHandler("/error");
            pages.UseStatusCodePagesWithReExecute("/error", "?code={0}");
        });
        // Routing after the error handlers, so that re-executing /error finds its page.
        app.UseRouting();
        return app;
    }

    private static bool IsApi(PathString path) => path.StartsWithSegments("/api") || path.StartsWithSegments("/openapi");

    /// <summary>/openapi/v1.json and the page to try the API at /scalar.</summary>
    public static WebApplication MapApiDocs(this WebApplication app)
    {
        app.MapOpenApi();
        app.MapScalarApiReference(o => o.WithTitle("TalentOne API"));
        return app;
    }

    public static WebApplication MapWebPages(this WebApplication app)
    {
        app.MapStaticAssets();
        app.MapRazorPages().WithStaticAssets();
        return app;
    }
}
