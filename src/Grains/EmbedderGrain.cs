using FaceGrains.Grains.Interfaces;
using Orleans.Concurrency;

namespace FaceGrains.Grains;

/// <summary>
/// The silo-local entry to the embedder: decodes and preprocesses on the thread pool, then waits on the silo's
/// <see cref="EmbeddingBatcher"/>. A stateless worker so every silo embeds its own callers' images; reentrant because
/// its requests only wait for a shared batch, and letting them overlap is what fills one.
/// </summary>
[StatelessWorker]
[Reentrant]
public sealed class EmbedderGrain(ServingModel serving, EmbeddingBatcher batcher) : Grain, IEmbedderGrain
{
    public async Task<EmbeddingResult> EmbedAsync(IReadOnlyList<FaceImage> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        var model = await serving.GetAsync();
        var prepared = await Task.Run(() => PreparedImages.Prepare(images, model));
        var embeddings = prepared.UsableCount > 0 ? await batcher.EmbedAsync(model, prepared.Tensors, prepared.UsableCount) : [];
        var dim = model.Dimension;
        var faces = new EmbeddedFace[images.Count];
        for (var i = 0; i < images.Count; i++)
        {
            var row = prepared.RowOf[i];
            faces[i] = new EmbeddedFace(
                prepared.FaceIds[i],
                row >= 0 ? embeddings.AsSpan(row * dim, dim).ToArray() : null,
                prepared.Widths[i],
                prepared.Heights[i],
                prepared.Rejections[i]);
        }

        return new EmbeddingResult(model.Id, dim, faces);
    }
}
