using FaceGrains.Grains;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace FaceGrains.Silo.Storage;

public static class EmbeddedStorageExtensions
{
    /// <summary>
    /// Registers <see cref="SqliteGrainStorage"/> over the file at <paramref name="databasePath"/> as the
    /// gallery's storage provider (<see cref="GalleryStorage.ProviderName"/>). State is written with Orleans'
    /// own binary serializer: compact for float arrays and tolerant of renamed members.
    /// </summary>
    public static ISiloBuilder AddEmbeddedStorage(this ISiloBuilder silo, string databasePath, string name = GalleryStorage.ProviderName)
    {
        silo.Services.AddGrainStorage(name, (sp, _) =>
            new SqliteGrainStorage(databasePath, new OrleansGrainStorageSerializer(sp.GetRequiredService<Serializer>()), sp.GetRequiredService<IActivatorProvider>()));
        return silo;
    }
}
