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
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        });
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
