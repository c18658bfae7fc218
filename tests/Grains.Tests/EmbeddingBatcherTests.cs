using System.Diagnostics.Metrics;
using FaceGrains.Grains.Interfaces;
using FaceGrains.Recognition.Detection;
using FaceGrains.Recognition.Embedding;
using FaceGrains.Recognition.Images;
using FaceGrains.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace FaceGrains.Grains.Tests;

/// <summary>The silo's micro-batcher, without a cluster: concurrent requests share one ONNX Runtime call and get their own rows back.</summary>
public sealed class EmbeddingBatcherTests
{
    [RequiresModelFact("orl")]
    public async Task Concurrent_requests_are_joined_into_one_batch_and_each_gets_its_own_embeddings()
    {
        var version = TestModels.FaceApi;
        using var embedder = new FaceEmbedder(version, new EmbedderOptions { IntraOpNumThreads = 1 });
        using var preparer = FacePreparer.Open(version, TestModels.Home);
        var model = new LoadedModel(version, embedder, preparer, ImageLimits.Default);
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metrics = new GalleryMetrics(services.GetRequiredService<IMeterFactory>(), new IdentifyScoreDrift());
        using var batcher = new EmbeddingBatcher(Options.Create(new GalleryOptions { EmbedderMaxBatch = 32, EmbedderMaxWaitMilliseconds = 200 }), metrics);
        var requests = Enumerable.Range(1, 6).Select(i => PreparedImages.Prepare([Orl.Image(10, i), new FaceImage([1, 2, 3])], model, FacePurpose.Enrol, aligned: true)).ToList();

        var results = await Task.WhenAll(requests.Select(r => batcher.EmbedAsync(model, r.Tensors, r.RowCount)));

        Assert.Equal((1L, 6L), batcher.Served);
        Assert.All(requests, r => Assert.Equal(FaceStatus.Undecodable, r.Rejections[1]!.Status));
        var alone = embedder.Embed(preparer.Prepare(ImageDecoder.DecodeFile(Orl.PathOf(10, 3)), FaceSelection.Largest, aligned: true).Faces)[0].Normalized;
        Assert.Equal(128, results[2].Length);
        Assert.All(alone.Zip(results[2]), x => Assert.Equal(x.First, x.Second, 1e-5f));
    }
}
