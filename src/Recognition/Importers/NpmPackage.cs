using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;

namespace FaceGrains.Recognition.Importers;

/// <summary>
/// A package tarball fetched with the machine's own <c>npm pack</c>, checked against a pinned
/// sha512 integrity before any byte of it is used, and cached so later imports need no network.
/// </summary>
public sealed class NpmPackage
{
    private readonly Dictionary<string, byte[]> _files;

    private NpmPackage(string spec, string integrity, string tarballPath, Dictionary<string, byte[]> files)
    {
        Spec = spec;
        Integrity = integrity;
        TarballPath = tarballPath;
        _files = files;
    }

    public string Spec { get; }

    public string Integrity { get; }

    public string TarballPath { get; }

    /// <summary>Fetches (or reuses from <paramref name="cacheDirectory"/>) and verifies a package tarball.</summary>
    /// <param name="spec">e.g. "@vladmandic/face-api@1.7.15".</param>
    /// <param name="expectedIntegrity">npm's "sha512-…" integrity string for that exact version.</param>
    /// <param name="include">Which package files to keep in memory (paths inside the package folder); all when null.
    /// A package of many models is checked whole but only the files of one are read.</param>
    public static NpmPackage Fetch(string spec, string expectedIntegrity, string cacheDirectory, Action<string>? log = null, Func<string, bool>? include = null)
    {
        Directory.CreateDirectory(cacheDirectory);
        var cached = Directory.EnumerateFiles(cacheDirectory, "*.tgz").FirstOrDefault(f => IntegrityOf(f) == expectedIntegrity);
        if (cached is null)
        {
            log?.Invoke($"npm pack {spec}");
            var fileName = RunNpmPack(spec, cacheDirectory);
            cached = Path.Combine(cacheDirectory, fileName);
            var actual = IntegrityOf(cached);
            if (actual != expectedIntegrity)
            {
                File.Delete(cached);
                throw new InvalidDataException($"npm package {spec} failed its integrity check: expected {expectedIntegrity}, got {actual}. The file was deleted.");
            }
        }

        return new NpmPackage(spec, expectedIntegrity, cached, ReadTarball(cached, include ?? (_ => true)));
    }

    /// <summary>A file of the package by its path inside the package folder, e.g. "model/x.json".</summary>
    public byte[] ReadFile(string relativePath) =>
        _files.TryGetValue(relativePath, out var bytes)
            ? bytes
            : throw new FileNotFoundException($"npm package {Spec} has no file '{relativePath}'.");

    public static string IntegrityOf(string path)
    {
        using var stream = File.OpenRead(path);
        return "sha512-" + Convert.ToBase64String(SHA512.HashData(stream));
    }

    private static string RunNpmPack(string spec, string destination)
    {
        var start = new ProcessStartInfo("npm")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "pack", spec, "--json", "--pack-destination", destination })
        {
            start.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("npm did not start.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("The model import needs the machine's npm client (apt-get install npm, or Node.js), which was not found on PATH.", e);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"npm pack {spec} failed (exit {process.ExitCode}): {stderr.Result.Trim()}");
            }

            using var json = JsonDocument.Parse(stdout.Result);
            return json.RootElement[0].GetProperty("filename").GetString()
                ?? throw new InvalidOperationException($"npm pack {spec} did not name its tarball.");
        }
    }

    private static Dictionary<string, byte[]> ReadTarball(string path, Func<string, bool> include)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        while (tar.GetNextEntry() is { } entry)
        {
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null)
            {
                continue;
            }

            // npm tarballs put everything under "package/".
            var name = entry.Name.StartsWith("package/", StringComparison.Ordinal) ? entry.Name["package/".Length..] : entry.Name;
            if (!include(name))
            {
                continue;
            }

            using var buffer = new MemoryStream();
            entry.DataStream.CopyTo(buffer);
            files[name] = buffer.ToArray();
        }

        return files;
    }
}
