using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Features;
using Orleans.Dashboard;

namespace FaceGrains.Silo.Api;

/// <summary>The REST API's services and routes: gallery endpoints, health, OpenAPI document, dashboard.</summary>
public static class GalleryApiExtensions
{
    public static WebApplicationBuilder AddGalleryApi(this WebApplicationBuilder builder)
    {
        var options = SiloOptions.From(builder.Configuration);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = options.MaxRequestBytes);
        builder.Services.Configure<FormOptions>(form =>
        {
            form.MultipartBodyLengthLimit = options.MaxRequestBytes;
            form.ValueCountLimit = options.MaxFilesPerRequest + 16;
        });
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        });
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<GalleryExceptionHandler>();
        builder.Services.AddOpenApi();
        return builder;
    }

    public static WebApplication MapFaceGrainsApi(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<SiloOptions>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapOpenApi();
        if (options.Dashboard)
        {
            app.MapOrleansDashboard(routePrefix: "/dashboard");
        }

        app.MapGalleryEndpoints();
        app.Lifetime.ApplicationStarted.Register(() =>
            app.Logger.LogInformation(
                "FaceGrains silo is up ({Profile} profile, gateway port {Gateway}); API at {Urls} (OpenAPI: /openapi/v1.json{Dashboard})",
                options.Profile, options.GatewayPort, string.Join(", ", app.Urls), options.Dashboard ? ", dashboard: /dashboard" : ""));
        return app;
    }
}
