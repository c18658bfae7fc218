using FaceGrains.Grains;
using FaceGrains.Recognition;
using FaceGrains.Recognition.Models;
using FaceGrains.Recognition.Storage;
using FaceGrains.Silo.Storage;
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
        RefuseUnknownSettings(builder.Configuration);
        var options = SiloOptions.From(builder.Configuration);
        var home = FaceGrainsHome.Resolve(options.Home);
        Directory.CreateDirectory(home.Root);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(home);
        var account = options.Profile == SiloProfile.Azure ? AzureStorageAccount.Parse(options.AzureStorage, options.ServiceId) : null;
        builder.Services.AddSingleton(ModelStore.For(home, account));
        if (account is not null)
        {
            // First of the hosted services: a wrong or unreachable account stops the start with one line, before
            // the default model import or Orleans try it.
            builder.Services.AddHostedService(sp => new AzureStorageCheck(account, sp.GetRequiredService<ILogger<AzureStorageCheck>>()));
        }

        builder.Services.AddHostedService(sp => new DefaultModelImport(
            sp.GetRequiredService<ModelStore>(), home, options.ImportDefaultModel, sp.GetRequiredService<ILogger<DefaultModelImport>>()));
        builder.UseOrleans(silo =>
        {
            silo.UseProfile(options, home, account);
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

    /// <summary>
    /// A setting this silo does not have is an error, not a silent no-op: an operator who sets
    /// <c>FaceGrains:Gallery:DefaultCrop</c> (a setting of earlier releases) must learn that the crop is now part of the
    /// model version's recipe, rather than believe it took effect.
    /// </summary>
    private static void RefuseUnknownSettings(IConfiguration configuration)
    {
        var known = typeof(SiloOptions).GetProperties().Select(p => p.Name).Append("Gallery").ToHashSet(StringComparer.OrdinalIgnoreCase);
        var galleryKnown = typeof(GalleryOptions).GetProperties().Where(p => p.CanWrite).Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var recipe = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["DefaultCrop"] = "the crop is part of the model version's recipe (preprocessing.face_crop and crop in its manifest)",
            ["EmbedderFlipAverage"] = "flip averaging is part of the model version's recipe (preprocessing.flip_average)",
        };
        var problems = new List<string>();
        foreach (var child in configuration.GetSection(SiloOptions.Section).GetChildren().Where(c => !known.Contains(c.Key)))
        {
            problems.Add($"{SiloOptions.Section}:{child.Key} is not a setting.");
        }

        foreach (var child in configuration.GetSection(GallerySection).GetChildren().Where(c => !galleryKnown.Contains(c.Key)))
        {
            problems.Add(recipe.TryGetValue(child.Key, out var why)
                ? $"{GallerySection}:{child.Key} is no longer a setting: {why}, so no silo setting can make embeddings disagree with it. Serve another recipe as another model version (`facegrains models derive`)."
                : child.Key.Equals("ActiveModel", StringComparison.OrdinalIgnoreCase)
                    ? $"{GallerySection}:ActiveModel is no longer a setting: the cluster's model registry decides which version serves, for every silo at once. Change it with `facegrains models activate <id>` (a new cluster starts with {GallerySection}:InitialModel)."
                    : $"{GallerySection}:{child.Key} is not a setting.");
        }

        if (problems.Count > 0)
        {
            throw new Microsoft.Extensions.Options.OptionsValidationException(SiloOptions.Section, typeof(SiloOptions), problems);
        }
    }
}
