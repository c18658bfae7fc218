using FaceGrains.Recognition;
using FaceGrains.Recognition.Models;

namespace FaceGrains.Silo;

/// <summary>The silo's wiring: one place that hosts, tests and tools share.</summary>
public static class SiloHostingExtensions
{
    /// <summary>The silo for the configured profile (embedded by default), its data directory and the model store.</summary>
    public static WebApplicationBuilder AddFaceGrainsSilo(this WebApplicationBuilder builder)
    {
        var options = SiloOptions.From(builder.Configuration);
        var home = FaceGrainsHome.Resolve(options.Home);
        Directory.CreateDirectory(home.Root);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(home);
        builder.Services.AddSingleton(new ModelStore(home.ModelsDirectory));
        builder.Services.AddHostedService(sp => new DefaultModelImport(
            sp.GetRequiredService<ModelStore>(), home, options.ImportDefaultModel, sp.GetRequiredService<ILogger<DefaultModelImport>>()));
        builder.UseOrleans(silo => silo.UseProfile(options, home));
        return builder;
    }

    public static WebApplication MapFaceGrainsApi(this WebApplication app)
    {
        app.MapGet("/health", () => Results.Ok(new { status = "ok" }));
        app.MapGet("/models", (ModelStore store) => Results.Ok(store.List().Select(v => new
        {
            id = v.Id,
            name = v.Manifest.Name,
            embedding_size = v.Manifest.EmbeddingSize,
            created_utc = v.Manifest.CreatedUtc,
        })));
        app.Lifetime.ApplicationStarted.Register(() =>
            app.Logger.LogInformation("FaceGrains silo is up; API at {Urls} (GET /health, GET /models)", string.Join(", ", app.Urls)));
        return app;
    }
}
