using System.Diagnostics;
using System.Text.Json;
using FaceGrains.Recognition.Datasets;
using FaceGrains.Trainer.Backbones;
using FaceGrains.Trainer.Configuration;
using FaceGrains.Trainer.Data;
using FaceGrains.Trainer.Losses;
using FaceGrains.Trainer.Optimization;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceGrains.Trainer.Training;

/// <summary>
/// One training run, top to bottom: data and split, cached faces, validation sets, network and loss,
/// optimiser and schedule, then per epoch: steps (each in a dispose scope), evaluation, metrics, checkpoint.
/// </summary>
public static class TrainingRun
{
    /// <param name="stopAfterEpoch">Stop (as if interrupted) after this epoch's checkpoint; tests use it to check that resume continues exactly.</param>
    public static RunSummary Execute(TrainingConfig config, RunFolder run, bool resume, IProgressReporter progress, CancellationToken cancel = default, int? stopAfterEpoch = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(progress);
        var threads = config.Threads > 0 ? config.Threads : Environment.ProcessorCount;
        var dataThreads = Math.Max(1, Environment.ProcessorCount);
        torch.set_num_threads(threads);
        var device = ResolveDevice(config.Device);

        // Data: split by identity or image, written with the run.
        DatasetSplit split;
        if (resume && File.Exists(run.Split))
        {
            split = DatasetSplit.Load(run.Split);
        }
        else
        {
            split = DatasetSplit.Create(OpenDataset(config.Data), config);
            split.Save(run.Split);
        }

        File.WriteAllText(run.Config, config.ToJson());
        var spec = ModelSetup.Preprocessing(config);
        var cache = FaceCache.Build(split.Train, spec, spec.Crop, dataThreads, progress.Log);
        var skipped = cache.Skipped.ToList();
        var usable = Enumerable.Range(0, split.Train.Count).Where(i => cache[i] is not null).ToList();
        var classes = split.TrainIdentities.Count;
        if (usable.Select(i => split.Train[i].Label).Distinct().Count() < 2)
        {
            throw new DatasetException($"dataset '{split.Root}' has fewer than 2 identities with readable training images ({skipped.Count} images unreadable)");
        }

        var verification = ValidationSet.Build(split.Verification, spec, config.ValMaxImages, config.Seed, dataThreads, skipped);
        var closedSet = split.Kind == "identity"
            ? ValidationSet.Build(split.ClosedSet, spec, config.ValMaxImages, config.Seed, dataThreads, skipped)
            : verification;
        File.WriteAllLines(run.Skipped, skipped.Order(StringComparer.Ordinal));
        foreach (var line in skipped)
        {
            progress.Log($"skipped image {line}");
        }

        progress.Log($"{usable.Count} training faces of {classes} identities; {verification.Count} verification faces; {closedSet.Count} closed-set faces; {skipped.Count} skipped");

        // Network, loss (with its head), optimiser, schedule.
        torch.manual_seed(config.Seed);
        using var backbone = BackboneRegistry.Create(config, spec.Width, progress.Log);
        using var loss = LossFactory.Create(config.Losses, classes, backbone.EmbeddingSize);
        backbone.to(device);
        loss.to(device);
        var groups = new List<ParameterGroup>
        {
            new("model.", backbone.named_parameters().Select(p => ("model." + p.name, p.parameter)).ToList(), 1.0),
            new("loss.", loss.named_parameters().Select(p => ("loss." + p.name, p.parameter)).ToList(), config.HeadLrFactor),
        };
        using var optimizer = new Optimizer(config.Optimizer, groups, config.WeightDecay, config.Nesterov, config.Betas[1]);
        var momentum = config.Optimizer == "adamw" ? config.Betas[0] : config.Momentum;
        var scaler = config.MixedPrecision ? new DynamicLossScaler() : null;
        var sampler = new BatchSampler(usable.Select(i => split.Train[i].Label).ToList(), config.Sampler, config.BatchSize, config.P, config.K, config.Seed);
        var stepsPerEpoch = config.StepsPerEpoch > 0 ? Math.Min(config.StepsPerEpoch, sampler.BatchesPerEpoch) : sampler.BatchesPerEpoch;
        var totalSteps = Math.Max(1L, (long)stepsPerEpoch * config.Epochs);
        var schedule = new Schedule(config.Schedule, config.Lr, momentum, totalSteps, stepsPerEpoch, config.WarmupEpochs, config.StepEpochs, config.StepGamma);
        var usableSamples = usable.Select(i => split.Train[i]).ToList();

        // Faces whose centroids classify the closed set when the loss has no classifier; decoded on first use.
        var centroidFaces = new Lazy<ValidationSet>(() => ValidationSet.Build(NearestCentroid.Sample(usableSamples, config.ValMaxImages, config.Seed), spec, int.MaxValue, config.Seed, dataThreads, []));
        var loader = new BatchLoader(usableSamples, cache.Subset(usable), new Augmenter(config.Augment, spec), spec, config.LoaderThreads, config.Prefetch, config.Seed);

        var history = new List<EpochMetrics>();
        var startEpoch = 1;
        long globalStep = 0;
        if (resume)
        {
            var checkpoint = Checkpoint.Load(run.Checkpoint);
            if (checkpoint.Info.Backbone != config.Backbone)
            {
                throw new CheckpointException($"checkpoint holds backbone '{checkpoint.Info.Backbone}', the config names '{config.Backbone}'");
            }

            checkpoint.Restore(backbone, "model.");
            checkpoint.Restore(loss, "loss.");
            optimizer.LoadState(checkpoint.WithPrefix("opt."));
            optimizer.StepCount = checkpoint.Info.OptimizerSteps;
            if (scaler is not null && checkpoint.Info.LossScale is { } lossScale)
            {
                scaler.Restore(lossScale, checkpoint.Info.LossScaleCleanSteps ?? 0);
            }

            startEpoch = checkpoint.Info.Epoch + 1;
            globalStep = checkpoint.Info.GlobalStep;
            history.AddRange(ReadHistory(run.Metrics).Where(m => m.Epoch <= checkpoint.Info.Epoch));
            File.WriteAllLines(run.Metrics, history.Select(m => JsonSerializer.Serialize(m)));
            progress.Log($"resumed from epoch {checkpoint.Info.Epoch} (step {globalStep})");
        }
        else
        {
            if (config.Init.StartsWith(TrainingConfig.RunInitPrefix, StringComparison.Ordinal))
            {
                // A later stage: the network starts from an earlier run's weights; heads and optimiser start fresh.
                var from = RunFolder.Find(config.Init[TrainingConfig.RunInitPrefix.Length..], Path.GetDirectoryName(run.Path)!);
                var checkpoint = Checkpoint.Load(from.Checkpoint);
                if (checkpoint.Info.Backbone != config.Backbone)
                {
                    throw new CheckpointException($"init run '{from.Path}' trained backbone '{checkpoint.Info.Backbone}', this config names '{config.Backbone}'");
                }

                checkpoint.Restore(backbone, "model.");
                File.WriteAllText(Path.Combine(run.Path, "init.txt"), from.Path + "\n");
                progress.Log($"network initialised from {from.Path} (epoch {checkpoint.Info.Epoch})");
            }

            var initial = Evaluate(backbone, config.L2Embedding, loss, verification, closedSet, centroidFaces, spec, 0, 0, null, null, null, null, Stopwatch.StartNew());
            Append(run, history, initial);
            progress.Log($"epoch 0 (untrained): val EER {initial.ValEer:P2}, AUC {initial.ValAuc:F4}");
        }

        if (scaler is not null)
        {
            progress.Log($"mixed precision: float16 autocast on {device}, dynamic loss scale {scaler.Scale:G} (×{scaler.GrowthFactor:G} after {scaler.GrowthInterval} clean steps, ×{scaler.BackoffFactor:G} and the step skipped on a non-finite gradient)");
        }

        var rss = new Dictionary<string, double>();
        double trainSeconds = 0;
        var skippedSteps = 0;
        long trainImages = 0;
        var lastEpoch = Math.Min(config.Epochs, stopAfterEpoch ?? config.Epochs);
        for (var epoch = startEpoch; epoch <= lastEpoch; epoch++)
        {
            cancel.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            torch.manual_seed(Seeds.Mix(config.Seed, epoch));
            var batches = sampler.Epoch(epoch).Take(stepsPerEpoch).ToList();
            var reader = loader.Start(batches, epoch, cancel);
            backbone.train();
            loss.train();
            double lossSum = 0;
            var steps = 0;
            double lastLr = 0;
            long epochImages = 0;
            double epochStepSeconds = 0;
            progress.RunEpoch(epoch, config.Epochs, batches.Count, report =>
            {
                while (reader.WaitToReadAsync(cancel).AsTask().GetAwaiter().GetResult())
                {
                    if (!reader.TryRead(out var batch))
                    {
                        continue;
                    }

                    var stepClock = Stopwatch.StartNew();
                    using (var scope = NewDisposeScope())
                    {
                        var x = tensor(batch.Images, [batch.Count, 3, spec.Height, spec.Width]).to(device);
                        var y = tensor(batch.Labels).to(device);
                        Tensor embeddings;
                        using (scaler is null ? null : Autocast.Enter(device.type, ScalarType.Float16))
                        {
                            embeddings = backbone.call(x);
                        }

                        if (config.L2Embedding)
                        {
                            embeddings = nn.functional.normalize(embeddings.to_type(ScalarType.Float32), p: 2, dim: 1) * config.L2Scale;
                        }

                        loss.SetProgress((double)globalStep / totalSteps);

                        // The loss (normalisations, exponentials) runs in float32, outside autocast.
                        var value = loss.call(embeddings.to_type(ScalarType.Float32), y);
                        optimizer.ZeroGrad();
                        (scaler is null ? value : scaler.ScaleLoss(value)).backward();
                        scaler?.Unscale(optimizer.Parameters.Select(p => p.grad));
                        // Measures the gradient norm (and clips when grad_clip > 0). A non-finite norm (e.g. an
                        // all-zero embedding early on, whose normalisation gradient overflows, or a float16
                        // overflow under mixed precision) would turn every weight into NaN, so that step is
                        // skipped; the loss scaler, if any, halves its scale.
                        var gradNorm = optimizer.ClipGradients(config.GradClip);
                        var (lr, m) = schedule.At(globalStep);
                        scaler?.Update(double.IsFinite(gradNorm));
                        if (double.IsFinite(gradNorm))
                        {
                            optimizer.Step(lr, m);
                        }
                        else
                        {
                            skippedSteps++;
                        }

                        lastLr = lr;
                        var v = value.item<float>();
                        if (!float.IsFinite(v))
                        {
                            throw new InvalidOperationException($"loss became {v} at epoch {epoch} step {steps + 1}; lower lr or add grad_clip");
                        }

                        lossSum += v;
                    }

                    epochStepSeconds += stepClock.Elapsed.TotalSeconds;
                    epochImages += batch.Count;
                    steps++;
                    globalStep++;
                    if (globalStep is 100 or 2000)
                    {
                        rss[globalStep.ToString(System.Globalization.CultureInfo.InvariantCulture)] = Environment.WorkingSet / 1048576.0;
                    }

                    report(new StepProgress(steps, lossSum / steps, epochImages / Math.Max(epochStepSeconds, 1e-9), lastLr));
                }
            });

            if (skippedSteps > 0)
            {
                progress.Log($"epoch {epoch}: {skippedSteps} step(s) skipped so far because the gradient norm was not finite");
            }

            trainSeconds += epochStepSeconds;
            trainImages += epochImages;
            var metrics = Evaluate(backbone, config.L2Embedding, loss, verification, closedSet, centroidFaces, spec, epoch, globalStep, lossSum / Math.Max(1, steps), lastLr, epochImages / Math.Max(epochStepSeconds, 1e-9), loader.ImagesPerSecond, clock);
            Append(run, history, metrics);
            SaveCheckpoint(run, config, epoch, globalStep, backbone, loss, optimizer, scaler);
            CurvePlots.Save(history, run);
            progress.Log($"epoch {epoch}/{config.Epochs}: loss {metrics.TrainLoss:F4}, closed-set acc {metrics.ClosedSetAccuracy:P1}, val EER {metrics.ValEer:P2}, AUC {metrics.ValAuc:F4}, {metrics.ImagesPerSecond:F1} img/s (loader {metrics.LoaderImagesPerSecond:F0} img/s), RSS {metrics.RssMb:F0} MB");
        }

        var trained = history.Where(h => h.Epoch > 0).ToList();
        var summary = new RunSummary
        {
            Run = run.Path,
            Epochs = config.Epochs,
            InitialValEer = history.First().ValEer,
            FinalValEer = history.Last().ValEer,
            FinalValAuc = history.Last().ValAuc,
            FinalClosedSetAccuracy = history.Last().ClosedSetAccuracy,
            FirstEpochLoss = trained.FirstOrDefault()?.TrainLoss,
            FinalLoss = trained.LastOrDefault()?.TrainLoss,
            ImagesPerSecond = trainSeconds > 0 ? trainImages / trainSeconds : trained.LastOrDefault()?.ImagesPerSecond ?? 0,
            LoaderImagesPerSecond = loader.ImagesPerSecond,
            RssMbAtStep = rss,
            SkippedImages = skipped.Count,
            TrainImages = usable.Count,
            TrainIdentities = classes,
            ValidationImages = verification.Count,
        };
        File.WriteAllText(run.Summary, JsonSerializer.Serialize(summary, TrainingConfig.WriteOptions));
        return summary;
    }

    public static Device ResolveDevice(string name)
    {
        if (name == "cuda")
        {
            if (!torch.cuda.is_available())
            {
                throw new ConfigException("device 'cuda' was asked for, but TorchSharp finds no CUDA device (this build references libtorch-cpu); use device 'cpu'");
            }

            return CUDA;
        }

        return CPU;
    }

    public static FolderDataset OpenDataset(string root)
    {
        if (string.IsNullOrWhiteSpace(root))
        {
            throw new DatasetException("config key 'data' must name a folder-per-identity dataset");
        }

        try
        {
            return FolderDataset.Open(root);
        }
        catch (DirectoryNotFoundException e)
        {
            throw new DatasetException(e.Message);
        }
        catch (InvalidDataException e)
        {
            throw new DatasetException($"dataset is empty: {e.Message}");
        }
    }

    private static EpochMetrics Evaluate(Backbone backbone, bool l2, EmbeddingLoss loss, ValidationSet verification, ValidationSet closedSet, Lazy<ValidationSet> centroidFaces, Recognition.Preprocessing.PreprocessingSpec spec, int epoch, long step, double? trainLoss, double? lr, double? ips, double? loaderIps, Stopwatch clock)
    {
        backbone.eval();
        loss.eval();
        var device = backbone.parameters().First().device;
        Tensor Forward(Tensor x) => l2 ? nn.functional.normalize(backbone.call(x.to(device)), p: 2, dim: 1) : backbone.call(x.to(device));
        var embeddings = verification.Embed(Forward, spec.Height, spec.Width);
        var result = verification.Verify(embeddings);
        var euclidean = verification.Verify(embeddings, ValidationSet.Distance.Euclidean);
        var accuracy = closedSet.Count == 0 ? double.NaN : closedSet.ClosedSetAccuracy(x => loss.Logits(Forward(x)), spec.Height, spec.Width);
        if (double.IsNaN(accuracy) && closedSet.Count > 0)
        {
            // No classifier (triplet, contrastive, supcon): the nearest training-identity centroid decides.
            var gallery = centroidFaces.Value;
            var probes = ReferenceEquals(closedSet, verification) ? embeddings : closedSet.Embed(Forward, spec.Height, spec.Width);
            accuracy = NearestCentroid.Accuracy(gallery.Embed(Forward, spec.Height, spec.Width), gallery.Samples.Select(s => s.Label).ToList(), probes, closedSet.Samples.Select(s => s.Label).ToList());
        }

        return new EpochMetrics
        {
            Epoch = epoch,
            Step = step,
            TrainLoss = trainLoss,
            ClosedSetAccuracy = double.IsNaN(accuracy) ? null : accuracy,
            ValEer = result.Eer,
            ValAuc = result.Auc,
            ValEerEuclidean = euclidean.Eer,
            Lr = lr,
            ImagesPerSecond = ips,
            LoaderImagesPerSecond = loaderIps,
            RssMb = Environment.WorkingSet / 1048576.0,
            Seconds = clock.Elapsed.TotalSeconds,
        };
    }

    private static void Append(RunFolder run, List<EpochMetrics> history, EpochMetrics metrics)
    {
        history.Add(metrics);
        File.AppendAllText(run.Metrics, JsonSerializer.Serialize(metrics) + "\n");
    }

    public static List<EpochMetrics> ReadHistory(string path) =>
        File.Exists(path)
            ? File.ReadAllLines(path).Where(l => l.Length > 0).Select(l => JsonSerializer.Deserialize<EpochMetrics>(l)!).ToList()
            : [];

    private static void SaveCheckpoint(RunFolder run, TrainingConfig config, int epoch, long step, Backbone backbone, EmbeddingLoss loss, Optimizer optimizer, DynamicLossScaler? scaler)
    {
        var tensors = new Dictionary<string, Tensor>();
        foreach (var (k, v) in backbone.state_dict())
        {
            tensors["model." + k] = v;
        }

        foreach (var (k, v) in loss.state_dict())
        {
            tensors["loss." + k] = v;
        }

        foreach (var (k, v) in optimizer.State)
        {
            tensors["opt." + k] = v;
        }

        Checkpoint.Save(run.Checkpoint, new Checkpoint.Header { Epoch = epoch, GlobalStep = step, OptimizerSteps = optimizer.StepCount, Backbone = config.Backbone, LossScale = scaler?.Scale, LossScaleCleanSteps = scaler?.CleanSteps }, tensors);
    }
}
