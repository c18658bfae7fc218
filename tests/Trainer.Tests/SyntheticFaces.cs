using System.Text;

namespace FaceGrains.Trainer.Tests;

/// <summary>Small folder-per-identity sets of PPM images: each identity a colour and stripe pattern, each image with its own noise.</summary>
internal static class SyntheticFaces
{
    public static string Create(int identities, int imagesPerIdentity, int size = 24, int seed = 3)
    {
        var root = Path.Combine(Path.GetTempPath(), "facegrains-trainer-tests", Guid.NewGuid().ToString("N"));
        var rng = new Random(seed);
        for (var id = 0; id < identities; id++)
        {
            var dir = Path.Combine(root, $"id{id:D3}", "frontal");
            Directory.CreateDirectory(dir);
            var colour = new[] { rng.Next(256), rng.Next(256), rng.Next(256) };
            var period = 2 + (id % 5);
            var vertical = id % 2 == 0;
            for (var n = 0; n < imagesPerIdentity; n++)
            {
                WritePpm(Path.Combine(dir, $"{n:D2}.ppm"), size, (x, y, c) =>
                {
                    var stripe = ((vertical ? x : y) / period) % 2 == 0 ? 60 : -60;
                    return Math.Clamp(colour[c] + stripe + rng.Next(-25, 26), 0, 255);
                });
            }
        }

        return root;
    }

    public static void WritePpm(string path, int size, Func<int, int, int, int> pixel)
    {
        using var file = File.Create(path);
        file.Write(Encoding.ASCII.GetBytes($"P6\n{size} {size}\n255\n"));
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                for (var c = 0; c < 3; c++)
                {
                    file.WriteByte((byte)pixel(x, y, c));
                }
            }
        }
    }
}
