using FaceGrains.Grains.Interfaces;
using Orleans.Concurrency;

namespace FaceGrains.Grains;

/// <summary>
/// The silo-local entry to the embedder: decodes images and prepares their faces by the asked version's recipe on the
/// thread pool, then waits on the silo's <see cref="EmbeddingBatcher"/> (which never mixes versions in one batch). A stateless worker so every silo embeds its own
/// callers' images; reentrant because its requests only wait for a shared batch, and letting them overlap is what fills one.
/// </summary>
[StatelessWorker]
[Reentrant]
public sealed class EmbedderGrain(ModelCatalog catalog, EmbeddingBatcher batcher) : Grain, IEmbedderGrain
{
    public async Task<EmbeddingResult> EmbedAsync(IReadOnlyList<FaceImage> images, FacePurpose purpose, bool aligned, string modelVersion)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (!Enum.IsDefined(purpose))
        {
            throw new ArgumentOutOfRangeException(nameof(purpose), purpose, "Unknown face purpose.");
        }

        var model = await catalog.GetAsync(modelVersion);
        var prepared = await Task.Run(() => PreparedImages.Prepare(images, model, purpose, aligned));
        var embeddings = prepared.RowCount > 0 ? await batcher.EmbedAsync(model, prepared.Tensors, prepared.RowCount) : [];
        var dim = model.Dimension;
        var photos = new EmbeddedPhoto[images.Count];
        for (var i = 0; i < images.Count; i++)
        {
            var photo = prepared.Photos[i];
            var faces = new List<EmbeddedFace>();
            if (prepared.Rejections[i] is null && photo is not null)
            {
                for (var f = 0; f < photo.Faces.Count; f++)
                {
                    var face = photo.Faces[f];
                    var problems = purpose == FacePurpose.Enrol
                        ? model.Preparer.Enrolment.Check(face.Quality).Select(p => new ProbeRejection(PreparedImages.StatusOf(p.Kind), p.Message)).ToList()
                        : [];
                    var row = prepared.FirstRow[i] + f;
                    faces.Add(new EmbeddedFace(PreparedImages.LocationOf(face), embeddings.AsSpan(row * dim, dim).ToArray(), problems));
                }
            }

            photos[i] = new EmbeddedPhoto(
                prepared.FaceIds[i],
                photo?.Width ?? 0,
                photo?.Height ?? 0,
                faces,
                photo?.Others.Select(PreparedImages.LocationOf).ToList() ?? [],
                prepared.Rejections[i]);
        }

        return new EmbeddingResult(model.Id, dim, photos);
    }
}
