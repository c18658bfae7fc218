using FaceGrains.Grains;
using FaceGrains.Silo.Security;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace FaceGrains.Silo.Telemetry;

/// <summary>
/// Operators' metrics: the gallery's meter (<see cref="GalleryMetrics"/>: latencies, embedder batches, shards, answers,
/// the score drift) exported through OpenTelemetry as Prometheus text at <see cref="Route"/>, readable with a reader key.
/// </summary>
public static class MetricsExtensions
{
    public const string Route = "/metrics";

    public static WebApplicationBuilder AddFaceGrainsMetrics(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("facegrains-silo"))
            .WithMetrics(metrics => metrics
            .AddMeter(GalleryMetrics.MeterName)
            .AddPrometheusExporter());
        return builder;
    }

    public static WebApplication MapFaceGrainsMetrics(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPrometheusScrapingEndpoint(Route).RequireAuthorization(ApiRoles.Reader);
        return app;
    }
}
