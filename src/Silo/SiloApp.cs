using FaceGrains.Silo.Api;

namespace FaceGrains.Silo;

/// <summary>The silo process: Orleans, the gallery grains and the HTTP API on one host (Program.cs and the tests build it here).</summary>
public static class SiloApp
{
    public static WebApplication Create(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddFaceGrainsSilo();
        builder.AddGalleryApi();

        var app = builder.Build();
        app.MapFaceGrainsApi();
        return app;
    }
}
