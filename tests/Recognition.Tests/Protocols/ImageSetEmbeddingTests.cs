using FaceGrains.Recognition.Detection;
using FaceGrains.Recognition.Embedding;
using FaceGrains.Recognition.Images;
using FaceGrains.Recognition.Protocols;
using FaceGrains.Recognition.Tests.Detection;
using FaceGrains.TestSupport;
using Xunit;

namespace FaceGrains.Recognition.Tests.Protocols;

public sealed class ImageSetEmbeddingTests : IDisposable
{
    private const float Tolerance = 1e-5f;

    private readonly string temp = Directory.CreateTempSubdirectory("facegrains-imageset-").FullName;

    public void Dispose() => Directory.Delete(temp, recursive: true);

    [RequiresModelFact("lfw")]
    public void Unreadable_files_become_flagged_zero_rows_and_the_rest_equal_one_by_one_preparation_and_embedding()
    {
        var lfw = SharedData.PathOf("lfw");
        var real = new[] { "Abel_Pacheco/Abel_Pacheco_0001.jpg", "Abel_Pacheco/Abel_Pacheco_0004.jpg", "Akhmed_Zakayev/Akhmed_Zakayev_0001.jpg", "Akhmed_Zakayev/Akhmed_Zakayev_0003.jpg", "Amber_Tamblyn/Amber_Tamblyn_0001.jpg" }
            .Select(r => Path.Combine(lfw, r))
            .ToList();
        var corrupt = Path.Combine(temp, "corrupt.jpg");
        File.WriteAllBytes(corrupt, [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        var missing = Path.Combine(temp, "missing.jpg");

        // Batches of 2 so a rejected file sits inside a batch and the batch is compacted around it.
        List<string> paths = [real[0], corrupt, real[1], real[2], missing, real[3], real[4]];
        using var embedder = new FaceEmbedder(TestModels.FaceApi, new EmbedderOptions { MaxBatchSize = 2 });
        var preparer = new FacePreparer(TestModels.FaceApi, DetectionModels.Detector, DetectionModels.Landmarker);

        var set = ImageSetEmbedding.Embed(embedder, preparer, paths, FaceSelection.Largest);

        Assert.Equal(paths, set.Paths);
        Assert.Equal(128, set.Dimension);
        Assert.Equal([1, 4], set.Rejected.Keys.Order());
        Assert.False(string.IsNullOrWhiteSpace(set.Rejected[1]));
        Assert.Contains("missing.jpg", set.Rejected[4], StringComparison.Ordinal);
        foreach (var rejected in new[] { 1, 4 })
        {
            Assert.All(set.Row(rejected).ToArray(), v => Assert.Equal(0f, v));
            Assert.All(set.Raw.AsSpan(rejected * 128, 128).ToArray(), v => Assert.Equal(0f, v));
        }

        for (var i = 0; i < paths.Count; i++)
        {
            if (set.Rejected.ContainsKey(i))
            {
                continue;
            }

            var alone = embedder.Embed(preparer.Prepare(ImageDecoder.DecodeFile(paths[i]), FaceSelection.Largest).Faces)[0];
            var row = set.Row(i).ToArray();
            var raw = set.Raw.AsSpan(i * 128, 128).ToArray();
            for (var d = 0; d < 128; d++)
            {
                Assert.Equal(alone.Normalized[d], row[d], Tolerance);
                Assert.Equal(alone.Raw[d], raw[d], Tolerance);
            }
        }

        // An image without a face is a rejected row too, saying so; and an enrolment image must pass the quality gate.
        var noise = Path.Combine(temp, "noise.png");
        var pixels = new byte[320 * 240 * 3];
        new Random(3).NextBytes(pixels);
        FaceDrawing.SavePng(new RgbImage(320, 240, pixels), [], noise);
        var withNoise = ImageSetEmbedding.Embed(embedder, preparer, [real[0], noise], FaceSelection.Largest);
        Assert.Equal([1], withNoise.Rejected.Keys);
        Assert.Contains("no face", withNoise.Rejected[1], StringComparison.Ordinal);

        // Different people really differ: the rows are not all one vector.
        Assert.True(FaceGrains.Recognition.Similarity.VectorMath.Dot(set.Row(0), set.Row(6)) < 0.9f);
    }
}
