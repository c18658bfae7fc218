using FaceGrains.Recognition.Datasets;
using FaceGrains.Recognition.Images;
using FaceGrains.TestSupport;
using SkiaSharp;
using Xunit;

namespace FaceGrains.Recognition.Tests.Datasets;

public sealed class FolderDatasetTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "facegrains-dataset-" + Guid.NewGuid().ToString("N"));

    public FolderDatasetTests() => Directory.CreateDirectory(root);

    public void Dispose() => Directory.Delete(root, recursive: true);

    private static byte[] Encode(SKEncodedImageFormat format)
    {
        using var bitmap = new SKBitmap(4, 3, SKColorType.Rgba8888, SKAlphaType.Opaque);
        bitmap.Erase(new SKColor(200, 100, 50));
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, 100);
        return data.ToArray();
    }

    private string Write(string relative, byte[] bytes)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>
    /// bob: 3 images, one nested two levels down, one extension-less PNG, plus a text file and a hidden file;
    /// alice: 2 images (one extension-less GIF); carol: only a README; a loose image at the top level.
    /// </summary>
    private void BuildTree()
    {
        var png = Encode(SKEncodedImageFormat.Png);
        var jpeg = Encode(SKEncodedImageFormat.Jpeg);
        Write("bob/b.png", png);
        Write("bob/frontal/deeper/a.jpg", jpeg);
        Write("bob/profile", png);
        Write("bob/notes.txt", "not an image"u8.ToArray());
        Write("bob/.hidden.png", png);
        Write("alice/2.PNG", png);
        Write("alice/subject01.happy", GifBytes());
        Write("carol/README", "readme"u8.ToArray());
        Write("loose.png", png);
    }

    /// <summary>A real GIF (Skia encodes none): the 1×1 GIF89a every web developer knows.</summary>
    private static byte[] GifBytes() => Convert.FromBase64String("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==");

    [Fact]
    public void Each_top_level_folder_is_an_identity_with_every_image_below_it_in_ordinal_order()
    {
        BuildTree();

        var dataset = FolderDataset.Open(root);

        Assert.Equal(Path.GetFullPath(root), dataset.Root);
        Assert.Equal(["alice", "bob"], dataset.Identities.Select(i => i.Name));
        var alice = dataset.Identities[0].ImagePaths.Select(p => Path.GetRelativePath(root, p));
        var bob = dataset.Identities[1].ImagePaths.Select(p => Path.GetRelativePath(root, p));
        Assert.Equal([Path.Combine("alice", "2.PNG"), Path.Combine("alice", "subject01.happy")], alice);
        Assert.Equal([Path.Combine("bob", "b.png"), Path.Combine("bob", "frontal", "deeper", "a.jpg"), Path.Combine("bob", "profile")], bob);
        Assert.Equal(5, dataset.ImageCount);
    }

    [Fact]
    public void Every_file_it_lists_decodes()
    {
        BuildTree();

        foreach (var path in FolderDataset.Open(root).Identities.SelectMany(i => i.ImagePaths))
        {
            var image = ImageDecoder.DecodeFile(path);
            Assert.True(image.Width > 0, path);
        }
    }

    [Fact]
    public void Identities_are_ordered_ordinally_not_by_creation_or_culture()
    {
        var png = Encode(SKEncodedImageFormat.Png);
        foreach (var name in new[] { "b", "a", "B", "s10", "s2", "s1" })
        {
            Write(Path.Combine(name, "1.png"), png);
        }

        var names = FolderDataset.Open(root).Identities.Select(i => i.Name).ToList();

        Assert.Equal(["B", "a", "b", "s1", "s10", "s2"], names);
    }

    [Theory]
    [InlineData(1, new[] { "alice", "bob" })]
    [InlineData(2, new[] { "alice", "bob" })]
    [InlineData(3, new[] { "bob" })]
    public void Identities_with_fewer_than_min_images_are_left_out(int minImages, string[] expected)
    {
        BuildTree();

        Assert.Equal(expected, FolderDataset.Open(root, minImages).Identities.Select(i => i.Name));
    }

    [Fact]
    public void A_missing_folder_is_directory_not_found_naming_it()
    {
        var missing = Path.Combine(root, "nope");

        var e = Assert.Throws<DirectoryNotFoundException>(() => FolderDataset.Open(missing));

        Assert.Contains(missing, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void No_qualifying_identity_is_invalid_data_naming_the_folder_and_the_minimum()
    {
        BuildTree();

        var e = Assert.Throws<InvalidDataException>(() => FolderDataset.Open(root, minImages: 4));

        Assert.Contains(root, e.Message, StringComparison.Ordinal);
        Assert.Contains("4", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_folder_of_loose_images_and_empty_folders_has_no_identity()
    {
        Write("loose.png", Encode(SKEncodedImageFormat.Png));
        Directory.CreateDirectory(Path.Combine(root, "empty"));

        Assert.Throws<InvalidDataException>(() => FolderDataset.Open(root));
    }

    [Theory]
    [InlineData("x.jpg", "anything")]
    [InlineData("x.JPEG", "anything")]
    [InlineData("x.pgm", "anything")]
    [InlineData("x.webp", "anything")]
    [InlineData("subject01.happy", "GIF89a....")]
    [InlineData("subject02", "\u00FF\u00D8\u00FF\u00E0")]
    [InlineData("scan.normal", "P5 92 112 255")]
    [InlineData("raw.bin", "BM......")]
    public void Image_files_are_known_by_extension_or_by_their_first_bytes(string name, string content)
    {
        var path = Write(name, System.Text.Encoding.Latin1.GetBytes(content));

        Assert.True(FolderDataset.IsImageFile(path));
    }

    [Theory]
    [InlineData("README", "This is the readme")]
    [InlineData("notes.txt", "hello")]
    [InlineData("empty.dat", "")]
    [InlineData("one", "G")]
    [InlineData(".hidden.png", "anything")]
    [InlineData(".DS_Store", "Bud1")]
    public void Other_files_are_not_images(string name, string content)
    {
        var path = Write(name, System.Text.Encoding.Latin1.GetBytes(content));

        Assert.False(FolderDataset.IsImageFile(path));
    }

    [RequiresDataFact("yale")]
    public void Yale_subject_files_without_extensions_are_images_and_decode()
    {
        var files = Directory.GetFiles(SharedData.PathOf("yale"), "subject*");

        Assert.Equal(164, files.Length);
        Assert.All(files, f => Assert.True(FolderDataset.IsImageFile(f), f));
        var first = ImageDecoder.DecodeFile(files.Order(StringComparer.Ordinal).First());
        Assert.Equal((320, 243), (first.Width, first.Height));
    }

    [RequiresDataFact("orl")]
    public void Orl_has_forty_identities_of_ten_images()
    {
        var dataset = FolderDataset.Open(SharedData.PathOf("orl"), minImages: 10);

        Assert.Equal(40, dataset.Identities.Count);
        Assert.All(dataset.Identities, i => Assert.Equal(10, i.ImagePaths.Count));
        Assert.Equal(400, dataset.ImageCount);
        Assert.Equal(Enumerable.Range(1, 40).Select(n => $"s{n}").Order(StringComparer.Ordinal), dataset.Identities.Select(i => i.Name));
        Assert.All(dataset.Identities.SelectMany(i => i.ImagePaths), p => Assert.EndsWith(".pgm", p, StringComparison.Ordinal));
        Assert.Throws<InvalidDataException>(() => FolderDataset.Open(SharedData.PathOf("orl"), minImages: 11));
    }
}
