using FaceGrains.Recognition.Detection;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using FaceGrains.Recognition.Datasets;
using FaceGrains.Recognition.Embedding;
using FaceGrains.Recognition.Images;
using FaceGrains.Recognition.Preprocessing;
using FaceGrains.Recognition.Similarity;
using Spectre.Console;

namespace FaceGrains.ClientCli.Commands;

/// <summary><c>facegrains bench embedder | decode | similarity</c>: the figures in docs/BENCHMARKS.md.</summary>
public static class BenchCommand
{
    private static readonly Option<double> Seconds = new("--seconds")
    {
        Description = "Measuring time per point, in seconds.",
        DefaultValueFactory = _ => 5,
    };

    public static Command Create()
    {
        var command = new Command("bench", "Measure throughput on this machine.");
        command.Subcommands.Add(Embedder());
        command.Subcommands.Add(Decode());
        command.Subcommands.Add(Similarity());
        command.Subcommands.Add(GalleryBenchCommand.Gallery());
        command.Subcommands.Add(GalleryBenchCommand.EnrollDurability());
        command.Subcommands.Add(Detection());
        command.Subcommands.Add(PhotoBenchCommand.Create());
        command.Subcommands.Add(SwapBenchCommand.Create());
        return command;
    }

    private static Command Embedder()
    {
        var batches = new Option<string>("--batch-sizes") { Description = "Comma-separated batch sizes.", DefaultValueFactory = _ => "1,8,32" };
        var command = new Command("embedder", "Images/s through FaceEmbedder vs plain ONNX Runtime calls, per batch size (random input).")
        {
            batches, Seconds, CliOptions.Model, CliOptions.Threads, CliOptions.Provider,
        };
        command.SetAction(parse =>
        {
            var output = new CommandOutput(parse.GetValue(CliOptions.Json));
            var model = CliModels.Resolve(parse, output);
            var options = new EmbedderBenchmarkOptions
            {
                BatchSizes = parse.GetValue(batches)!.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray(),
                Duration = TimeSpan.FromSeconds(parse.GetValue(Seconds)),
                WarmUp = TimeSpan.FromSeconds(Math.Min(2, parse.GetValue(Seconds))),
                IntraOpNumThreads = parse.GetValue(CliOptions.Threads),
                ExecutionProvider = parse.GetValue(CliOptions.Provider),
            };
            var results = EmbedderBenchmark.Run(model, options);
            output.Result(
                new JsonObject
                {
                    ["model"] = model.Id,
                    ["threads"] = options.IntraOpNumThreads,
                    ["results"] = new JsonArray(results.Select(r => (JsonNode)new JsonObject
                    {
                        ["batch_size"] = r.BatchSize,
                        ["wrapper_images_per_second"] = r.WrapperImagesPerSecond,
                        ["direct_images_per_second"] = r.DirectImagesPerSecond,
                        ["wrapper_overhead_percent"] = r.WrapperOverheadPercent,
                    }).ToArray()),
                },
                console =>
                {
                    var table = new Table().AddColumns("batch", "FaceEmbedder images/s", "ONNX Runtime direct images/s", "wrapper overhead");
                    foreach (var r in results)
                    {
                        table.AddRow(r.BatchSize.ToString(CultureInfo.InvariantCulture), $"{r.WrapperImagesPerSecond:F1}", $"{r.DirectImagesPerSecond:F1}", $"{r.WrapperOverheadPercent:F1} %");
                    }

                    console.Write(table);
                });
            return 0;
        });
        return command;
    }

    private static Command Decode()
    {
        var data = new Option<DirectoryInfo>("--data") { Description = "Folder of images (searched recursively), e.g. ../shared/data/lfw.", Required = true };
        var count = new Option<int>("--count") { Description = "How many images to use.", DefaultValueFactory = _ => 1000 };
        var command = new Command("decode", "Decode + preprocess images/s (files read into memory first), on one thread and on all cores.")
        {
            data, count, CliOptions.Model, Seconds,
        };
        command.SetAction(parse =>
        {
            var output = new CommandOutput(parse.GetValue(CliOptions.Json));
            var model = CliModels.Resolve(parse, output);
            var spec = model.Manifest.Preprocessing;
            var files = Directory.EnumerateFiles(parse.GetValue(data)!.FullName, "*", SearchOption.AllDirectories)
                .Where(FolderDataset.IsImageFile).Order(StringComparer.Ordinal).Take(parse.GetValue(count)).Select(File.ReadAllBytes).ToArray();
            if (files.Length == 0)
            {
                throw new FileNotFoundException("No images found under --data.");
            }

            var seconds = parse.GetValue(Seconds);
            double Measure(int threads)
            {
                var done = 0L;
                var clock = Stopwatch.StartNew();
                Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, worker =>
                {
                    var tensor = new float[3 * spec.Width * spec.Height];
                    for (var i = worker; clock.Elapsed.TotalSeconds < seconds; i = (i + threads) % files.Length)
                    {
                        Preprocessor.ToTensor(ImageDecoder.Decode(files[i]), spec, null, tensor);
                        Interlocked.Increment(ref done);
                    }
                });
                return done / clock.Elapsed.TotalSeconds;
            }

            Measure(1); // warm-up: JIT and codec initialisation
            var single = Measure(1);
            var all = Measure(Environment.ProcessorCount);
            output.Result(
                new JsonObject
                {
                    ["images"] = files.Length,
                    ["average_bytes"] = files.Average(f => f.Length),
                    ["output"] = $"{spec.Width}x{spec.Height}",
                    ["images_per_second_1_thread"] = single,
                    ["images_per_second_all_cores"] = all,
                    ["cores"] = Environment.ProcessorCount,
                },
                console => console.MarkupLine(Markup.Escape(
                    $"decode + preprocess to {spec.Width}x{spec.Height}: {single:F0} images/s on 1 thread, {all:F0} images/s on {Environment.ProcessorCount} cores ({files.Length} images, {files.Average(f => f.Length) / 1024:F1} KiB average)")));
            return 0;
        });
        return command;
    }

    private static Command Similarity()
    {
        var rows = new Option<int>("--rows") { Description = "Gallery rows.", DefaultValueFactory = _ => 100_000 };
        var dim = new Option<int>("--dim") { Description = "Embedding size.", DefaultValueFactory = _ => 128 };
        var probes = new Option<int>("--probes") { Description = "Probes per batch for the batched kernel.", DefaultValueFactory = _ => 32 };
        var compareBlas = new Option<bool>("--compare-blas")
        {
            Description = "Also run OpenBLAS (cblas_sgemv / cblas_sgemm from libopenblas.so.0, one thread) on the same matrix and print both and their ratio.",
        };
        var command = new Command("similarity", "Gallery scan GB/s and probes/s for the SIMD kernels (single probe and batched), optionally beside OpenBLAS.")
        {
            rows, dim, probes, Seconds, compareBlas, CliOptions.ShardPrecision,
        };
        command.SetAction(parse =>
        {
            var output = new CommandOutput(parse.GetValue(CliOptions.Json));
            var r = SimilarityBenchmark.Run(parse.GetValue(rows), parse.GetValue(dim), parse.GetValue(probes), (int)Math.Ceiling(parse.GetValue(Seconds)), parse.GetValue(compareBlas), ShardPrecisions.Parse(parse.GetValue(CliOptions.ShardPrecision)!));
            var json = new JsonObject
            {
                ["shard_precision"] = r.Precision.Name(),
                ["bytes_per_row"] = r.Precision.BytesPerRow(r.Dimension),
                ["rows"] = r.GalleryRows,
                ["dim"] = r.Dimension,
                ["single_probe_gb_per_second"] = r.SingleProbeGigabytesPerSecond,
                ["single_probes_per_second"] = r.SingleProbesPerSecond,
                ["batch_probes"] = r.ProbesPerBatch,
                ["batch_gb_per_second_effective"] = r.BatchGigabytesPerSecond,
                ["batch_probes_per_second"] = r.BatchProbesPerSecond,
            };
            if (parse.GetValue(compareBlas))
            {
                json["blas"] = r.BlasUnavailable is null ? "openblas (libopenblas.so.0, 1 thread)" : null;
                json["blas_unavailable"] = r.BlasUnavailable;
                json["blas_single_probes_per_second"] = r.BlasSingleProbesPerSecond;
                json["blas_batch_probes_per_second"] = r.BlasBatchProbesPerSecond;
                json["single_ratio_vs_blas"] = r.SingleRatioVsBlas;
                json["batch_ratio_vs_blas"] = r.BatchRatioVsBlas;
            }

            output.Result(json, console =>
            {
                console.MarkupLine(Markup.Escape(
                    $"{r.GalleryRows} x {r.Dimension}: single probe {r.SingleProbeGigabytesPerSecond:F1} GB/s ({r.SingleProbesPerSecond:F0} probes/s); batches of {r.ProbesPerBatch}: {r.BatchProbesPerSecond:F0} probes/s ({r.BatchGigabytesPerSecond:F1} GB/s effective)"));
                if (r.BlasUnavailable is { } why)
                {
                    console.MarkupLine(Markup.Escape($"OpenBLAS not compared: {why}"));
                }
                else if (r.BlasSingleProbesPerSecond is { } blasSingle && r.BlasBatchProbesPerSecond is { } blasBatch)
                {
                    console.MarkupLine(Markup.Escape(
                        $"OpenBLAS (1 thread): sgemv {blasSingle:F0} probes/s, sgemm {blasBatch:F0} probes/s; ours / OpenBLAS: single {r.SingleRatioVsBlas:F2}x, batch {r.BatchRatioVsBlas:F2}x"));
                }
            });
            return 0;
        });
        return command;
    }

    /// <summary>
    /// Detection + landmarks + alignment on photos brought to 640×480 (the centre 4:3 region of each, scaled), by
    /// --parallel workers (default 1: one call at a time), against the embedding of the aligned chips: its share of
    /// end-to-end enrolment time, and photos/s end to end.
    /// </summary>
    private static Command Detection()
    {
        var data = new Option<DirectoryInfo>("--data") { Description = "Folder of photos (searched recursively).", Required = true };
        var parallel = new Option<int>("--parallel")
        {
            Description = "Photos in flight at once (workers sharing one preparer and embedder, as a silo's embedder grains do); with more than one, give --threads 1.",
            DefaultValueFactory = _ => 1,
        };
        parallel.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1)
            {
                r.AddError("--parallel must be 1 or more.");
            }
        });
        var command = new Command("detection", "Detection + alignment images/s on 640×480 photos and its share of enrolment time (detect, align, embed).")
        {
            data, Seconds, parallel, CliOptions.Model, CliOptions.Threads, CliOptions.Detector,
        };
        command.SetAction(parse =>
        {
            var output = new CommandOutput(parse.GetValue(CliOptions.Json));
            var model = CliModels.Resolve(parse, output);
            using var embedder = new FaceEmbedder(model, CliOptions.EmbedderOptions(parse));
            using var preparer = CliModels.Preparer(parse, model, output, parse.GetValue(CliOptions.Threads));
            var photos = Directory.EnumerateFiles(parse.GetValue(data)!.FullName, "*", SearchOption.AllDirectories)
                .Where(f => f.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal)
                .Select(f => To640x480(ImageDecoder.DecodeFile(f)))
                .ToList();
            if (photos.Count == 0)
            {
                throw new FileNotFoundException("No .jpg or .png photos under --data.");
            }

            // Warm-up, then timed passes until the time is up: P workers, each taking the next photo.
            embedder.Embed(preparer.Prepare(photos[0], FaceSelection.Every).Faces);
            var seconds = parse.GetValue(Seconds);
            var workers = parse.GetValue(parallel);
            long detectTicks = 0, embedTicks = 0;
            int images = 0, faces = 0, next = -1;
            var total = System.Diagnostics.Stopwatch.StartNew();
            Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, _ =>
            {
                while (total.Elapsed.TotalSeconds < seconds || Volatile.Read(ref images) == 0)
                {
                    var photo = photos[Interlocked.Increment(ref next) % photos.Count];
                    var start = System.Diagnostics.Stopwatch.GetTimestamp();
                    var found = preparer.Prepare(photo, FaceSelection.Every);
                    var detected = System.Diagnostics.Stopwatch.GetTimestamp();
                    if (found.HasFaces)
                    {
                        embedder.Embed(found.Faces);
                    }

                    Interlocked.Add(ref detectTicks, detected - start);
                    Interlocked.Add(ref embedTicks, System.Diagnostics.Stopwatch.GetTimestamp() - detected);
                    Interlocked.Add(ref faces, found.Faces.Count);
                    Interlocked.Increment(ref images);
                }
            });
            var wall = total.Elapsed;
            var detect = TimeSpan.FromSeconds(detectTicks / (double)System.Diagnostics.Stopwatch.Frequency);
            var embed = TimeSpan.FromSeconds(embedTicks / (double)System.Diagnostics.Stopwatch.Frequency);

            var payload = new JsonObject
            {
                ["detector"] = preparer.Detector?.Model.Info.Name,
                ["photos"] = photos.Count,
                ["images"] = images,
                ["faces"] = faces,
                ["parallel"] = workers,
                ["detect_align_images_per_second"] = images * workers / detect.TotalSeconds,
                ["detect_align_ms_per_image"] = detect.TotalMilliseconds / images,
                ["photos_per_second"] = images / wall.TotalSeconds,
                ["embed_ms_per_image"] = embed.TotalMilliseconds / images,
                ["detect_align_share"] = detect / (detect + embed),
            };
            output.Result(payload, console => console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"640x480, {images} images ({faces} faces), {workers} at a time: detection + landmarks + alignment {images * workers / detect.TotalSeconds:F1} images/s ({detect.TotalMilliseconds / images:F1} ms each), {images / wall.TotalSeconds:F1} photos/s end to end; embedding {embed.TotalMilliseconds / images:F1} ms per image; detection + alignment = {detect / (detect + embed):P1} of enrolment time"))));
            return 0;
        });
        return command;
    }

    /// <summary>The centre 4:3 region of a photo, scaled to 640×480.</summary>
    private static RgbImage To640x480(RgbImage image)
    {
        var scale = Math.Max(640.0 / image.Width, 480.0 / image.Height);
        var x0 = ((image.Width * scale) - 640) / 2;
        var y0 = ((image.Height * scale) - 480) / 2;
        return FaceAligner.Warp(image, new SimilarityTransform(scale, 0, -x0, -y0), 640, 480);
    }
}
