using FaceGrains.Grains.Interfaces;
using FaceGrains.Silo.Security;
using FaceGrains.Silo.Telemetry;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.FileProviders;
using Orleans.Dashboard;
using Scalar.AspNetCore;

namespace FaceGrains.Silo.Api;

/// <summary>The REST API's services and routes: gallery endpoints, health, OpenAPI document, dashboard, metrics.</summary>
public static class GalleryApiExtensions
{
    public static WebApplicationBuilder AddGalleryApi(this WebApplicationBuilder builder)
    {
        var options = SiloOptions.From(builder.Configuration);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBytes;
            kestrel.Limits.MaxRequestLineSize = options.MaxRequestLineBytes;
        });
        builder.Services.Configure<FormOptions>(form =>
        {
            form.MultipartBodyLengthLimit = options.MaxRequestBytes;
            form.ValueCountLimit = UploadedImages.FormValueCountLimit(options);
        });
        builder.Services.ConfigureHttpJsonOptions(json => GalleryJson.Configure(json.SerializerOptions));
        builder.Services.AddProblemDetails(problems => problems.CustomizeProblemDetails = context =>
        {
            // Routing answers 415 itself for a body that is not multipart (the endpoints declare what they accept): say what to send.
            if (context.ProblemDetails.Status == StatusCodes.Status415UnsupportedMediaType && context.ProblemDetails.Detail is null)
            {
                context.ProblemDetails.Detail =
                    $"Send images as multipart/form-data, one file part per image (got '{context.HttpContext.Request.ContentType ?? "no content type"}').";
            }
        });
        builder.Services.AddExceptionHandler<GalleryExceptionHandler>();
        builder.Services.AddSingleton<GalleryStatus>();
        builder.Services.AddGalleryOpenApi();
        builder.AddGallerySecurity(options);
        builder.AddFaceGrainsMetrics();
        return builder;
    }

    public static WebApplication MapFaceGrainsApi(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<SiloOptions>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        // The web page (wwwroot, embedded in the assembly so every host and test serves the same files): / is index.html.
        // Served before authentication: the page holds no data; what it shows comes from the API with the user's key.
        var page = new EmbeddedFileProvider(typeof(GalleryApiExtensions).Assembly, "FaceGrains.Silo.wwwroot");
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = page });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = page });
        app.UseGallerySecurity();
        app.MapOpenApi().AllowAnonymous();
        // Offline: no web fonts or telemetry from scalar.com (tests/Web.Tests checks that no request leaves the silo).
        app.MapScalarApiReference("/api", scalar => scalar.WithTitle("FaceGrains gallery API").DisableDefaultFonts().DisableTelemetry()
            .AddPreferredSecuritySchemes(ApiDocs.SecuritySchemeName)).AllowAnonymous();
        if (options.Dashboard)
        {
            app.MapOrleansDashboard(routePrefix: "/dashboard").RequireAuthorization(ApiRoles.Admin);
        }

        app.MapGalleryEndpoints();
        app.MapFaceGrainsMetrics();
        app.Lifetime.ApplicationStarted.Register(() => _ = LogBannerAsync(app, options));
        return app;
    }

    /// <summary>The start-up banner: where the API is, the model version served, and the operating point with its threshold and calibration.</summary>
    private static async Task LogBannerAsync(WebApplication app, SiloOptions options)
    {
        app.Logger.LogInformation(
            "FaceGrains silo is up ({Profile} profile, gateway port {Gateway}); API at {Urls} (OpenAPI: /openapi/v1.json, API page: /api{Dashboard})",
            options.Profile, options.GatewayPort, string.Join(", ", app.Urls), options.Dashboard ? ", dashboard: /dashboard" : "");
        var ring = app.Services.GetRequiredService<ApiKeyRing>();
        if (ring.IsOpen)
        {
            app.Logger.LogWarning("{Access}", GallerySecurityExtensions.Describe(ring));
        }
        else
        {
            app.Logger.LogInformation("{Access}; audit log: {AuditLog}", GallerySecurityExtensions.Describe(ring), app.Services.GetRequiredService<AuditLog>().Path);
        }

        try
        {
            var status = await app.Services.GetRequiredService<GalleryStatus>().GetAsync(app.Lifetime.ApplicationStopping);
            var op = status.Identify;
            app.Logger.LogInformation(
                "Model {Name} {Version} ({Recipe}). Identify: target FPIR {Target} at N = {N} identities → threshold {Threshold:F4}, calibration: {Source} ({Calibration})",
                status.ModelName, status.ModelVersion[..12], status.Recipe, op.TargetFpir, op.GallerySize, op.Threshold, op.Source.ToString().ToLowerInvariant(), op.Calibration ?? op.Reason);
            foreach (var problem in status.Problems)
            {
                app.Logger.LogError("{Problem}", problem);
            }
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException or OrleansException)
        {
            app.Logger.LogWarning("The operating point could not be read at start ({Message}); GET /health shows it.", e.Message);
        }
    }
}
