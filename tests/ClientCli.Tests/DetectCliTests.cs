using System.Text.Json;
using System.Text.Json.Nodes;
using FaceGrains.Recognition.Detection;
using FaceGrains.Recognition.Images;
using FaceGrains.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace FaceGrains.ClientCli.Tests;

/// <summary><c>facegrains detect</c> as a user types it: a group photo, a photo without a face, a 1×1 image, a corrupt file.</summary>
public sealed class DetectCliTests(ITestOutputHelper output) : IDisposable
{
    private readonly string temp = Directory.CreateTempSubdirectory("facegrains-detect-cli-").FullName;

    public void Dispose() => Directory.Delete(temp, recursive: true);

    private (int ExitCode, string Stdout, string Stderr) Run(params string[] args) => InProcessCli.Run(output, args);

    private static string ModelHome()
    {
        _ = TestModels.FaceApi;
        return TestModels.Home.Root;
    }

    private string WritePng(string name, RgbImage image)
    {
        var path = Path.Combine(temp, name);
        FaceDrawing.SavePng(image, [], path);
        return path;
    }

    [RequiresModelFact("bbt/reference")]
    public void The_int8_detector_finds_the_same_faces_and_an_unknown_detector_is_refused()
    {
        var photo = SharedData.PathOf("bbt", "reference", "faces.jpg");
        var (code, stdout, _) = Run("detect", photo, "--json", "--home", ModelHome());
        Assert.Equal(0, code);
        var (int8Code, int8Stdout, _) = Run("detect", photo, "--detector", "int8", "--json", "--home", ModelHome());
        Assert.Equal(0, int8Code);
        var float32 = JsonNode.Parse(stdout)!["faces"]!.AsArray();
        var int8 = JsonNode.Parse(int8Stdout)!["faces"]!.AsArray();
        Assert.Equal(float32.Count, int8.Count);

        var (badCode, _, badStderr) = Run("detect", photo, "--detector", "fp16", "--home", ModelHome());
        Assert.NotEqual(0, badCode);
        Assert.Contains("--detector must be one of: float32, int8", badStderr, StringComparison.Ordinal);
    }

    [RequiresModelFact("bbt/scenes")]
    public void Bench_detection_with_two_photos_in_flight_reports_both_rates()
    {
        var (code, stdout, _) = Run("bench", "detection", "--data", SharedData.PathOf("bbt", "scenes"), "--seconds", "1", "--parallel", "2", "--threads", "1", "--detector", "int8", "--json", "--home", ModelHome());

        Assert.Equal(0, code);
        var json = JsonNode.Parse(stdout)!;
        Assert.Equal(2, json["parallel"]!.GetValue<int>());
        Assert.Equal("ssd-mobilenetv1-faceapi-int8", json["detector"]!.GetValue<string>());
        Assert.True(json["images"]!.GetValue<int>() >= 2);
        Assert.True(json["photos_per_second"]!.GetValue<double>() > 0);
        Assert.True(json["faces"]!.GetValue<int>() >= json["images"]!.GetValue<int>(), "the bbt scenes hold several faces each");
        Assert.NotEqual(0, Run("bench", "detection", "--data", SharedData.PathOf("bbt", "scenes"), "--parallel", "0", "--home", ModelHome()).ExitCode);
    }

    [RequiresModelFact("bbt/reference")]
    public void A_group_photo_lists_every_face_with_landmarks_drawn_and_aligned_chips()
    {
        var photo = SharedData.PathOf("bbt", "reference", "faces.jpg");
        var drawn = Path.Combine(temp, "drawn.png");
        var chips = Path.Combine(temp, "chips");

        var (code, stdout, _) = Run("detect", photo, "--draw", drawn, "--chips", chips, "--json", "--home", ModelHome());

        Assert.Equal(0, code);
        var json = JsonNode.Parse(stdout)!;
        Assert.Equal("faces_found", json["outcome"]!.GetValue<string>());
        var faces = json["faces"]!.AsArray();
        var references = JsonSerializer.Deserialize<JsonElement[][]>(File.ReadAllText(SharedData.PathOf("bbt", "reference", "facesFaceLandmarkPositions.json")))!;
        Assert.Equal(references.Length, faces.Count);

        // Every face-api.js face is one of ours, landmarks within a pixel on average.
        foreach (var reference in references)
        {
            var expected = reference.Select(p => (X: p.GetProperty("x").GetDouble(), Y: p.GetProperty("y").GetDouble())).ToArray();
            var best = faces.Select(f => f!["landmarks"]!.AsArray()
                    .Select((p, i) => Math.Sqrt(Math.Pow(p![0]!.GetValue<double>() - expected[i].X, 2) + Math.Pow(p[1]!.GetValue<double>() - expected[i].Y, 2)))
                    .Average())
                .Min();
            Assert.True(best < 1.0, $"face at ({expected[30].X:F0}, {expected[30].Y:F0}): nearest landmark set is {best:F2} px away on average");
        }

        foreach (var face in faces)
        {
            Assert.Equal(68, face!["landmarks"]!.AsArray().Count);
            Assert.Equal(5, face["five_points"]!.AsArray().Count);
            Assert.InRange(face["score"]!.GetValue<double>(), 0.5, 1.0);
            Assert.True(face["quality"]!["size_px"]!.GetValue<double>() >= 20);
        }

        var image = ImageDecoder.DecodeFile(photo);
        var picture = ImageDecoder.DecodeFile(drawn);
        Assert.Equal((image.Width, image.Height), (picture.Width, picture.Height));
        Assert.NotEqual(image.Pixels, picture.Pixels);
        var chipFiles = Directory.GetFiles(chips, "face-*.png");
        Assert.Equal(faces.Count, chipFiles.Length);
        Assert.All(chipFiles, f => Assert.Equal((150, 150), (ImageDecoder.DecodeFile(f).Width, ImageDecoder.DecodeFile(f).Height)));
    }

    [RequiresModelFact]
    public void A_photo_without_a_face_says_no_face_and_lists_none()
    {
        var noise = new byte[320 * 240 * 3];
        new Random(7).NextBytes(noise);
        var path = WritePng("noise.png", new RgbImage(320, 240, noise));

        var (code, stdout, _) = Run("detect", path, "--json", "--home", ModelHome());

        Assert.Equal(0, code);
        var json = JsonNode.Parse(stdout)!;
        Assert.Equal("no_face", json["outcome"]!.GetValue<string>());
        Assert.Empty(json["faces"]!.AsArray());
        Assert.Contains("no face", json["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [RequiresModelFact]
    public void A_1x1_image_is_too_small_and_a_corrupt_file_is_a_user_error()
    {
        var (code, stdout, _) = Run("detect", WritePng("dot.png", new RgbImage(1, 1, [10, 20, 30])), "--json", "--home", ModelHome());
        Assert.Equal(0, code);
        Assert.Equal("image_too_small", JsonNode.Parse(stdout)!["outcome"]!.GetValue<string>());

        var corrupt = Path.Combine(temp, "corrupt.jpg");
        File.WriteAllBytes(corrupt, [0xFF, 0xD8, 0xFF, 0xE0, 0, 1, 2]);
        var (badCode, badStdout, badStderr) = Run("detect", corrupt, "--json", "--home", ModelHome());
        Assert.Equal(2, badCode);
        Assert.StartsWith("image_", JsonNode.Parse(badStdout)!["kind"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", badStderr, StringComparison.Ordinal);
    }
}
