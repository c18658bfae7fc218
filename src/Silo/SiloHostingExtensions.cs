using FaceGrains.Grains;
using FaceGrains.Recognition;
using FaceGrains.Recognition.Models;
using Orleans.Dashboard;

namespace FaceGrains.Silo;

/// <summary>The silo's wiring: one place that hosts, tests and tools share.</summary>
public static class SiloHostingExtensions
{
    /// <summary>Configuration section bound to the grains' <see cref="GalleryOptions"/> (shards, embedder batching, operating points, crop, image limits).</summary>
    public const string GallerySection = "FaceGrains:Gallery";

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
        builder.UseOrleans(silo =>
        {
            silo.UseProfile(options, home);
            silo.AddFaceGallery(gallery =>
            {
                builder.Configuration.GetSection(GallerySection).Bind(gallery);
                gallery.Home = home.Root;
            });
            if (options.Dashboard)
            {
                silo.AddDashboard();
            }
        });
        return builder;
    }
}
