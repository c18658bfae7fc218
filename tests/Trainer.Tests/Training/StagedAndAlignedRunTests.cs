using FaceGrains.Recognition;
using FaceGrains.Trainer.Configuration;
using FaceGrains.Trainer.Training;
using FaceGrains.TestSupport;
using Xunit;

namespace FaceGrains.Trainer.Tests.Training;

/// <summary>
/// What the recipe configs need beyond one plain run: a second stage that starts from the first's checkpoint
/// (<c>init "run:…"</c>), an L2 layer with a Euclidean score beside cosine, and training on aligned faces.
/// </summary>
public sealed class StagedAndAlignedRunTests
{
    [Fact]
    public void A_second_stage_starts_from_the_named_runs_weights()
    {
        var data = SyntheticFaces.Create(identities: 8, imagesPerIdentity: 5);
        var runs = Path.Combine(Path.GetTempPath(), "facegrains-trainer-tests", "staged", Guid.NewGuid().ToString("N"));
        var stage1Config = SyntheticRun.Config(data) with { Name = "stage1" };
        var stage1 = RunFolder.Create(runs, "stage1");
        var first = SyntheticRun.Run(stage1Config, stage1);

        var stage2Config = SyntheticRun.Config(data) with { Name = "stage2", Init = "run:stage1", Losses = [new LossConfig { Type = "arcface", Scale = 16 }] };
        var stage2 = RunFolder.Create(runs, "stage2");
        SyntheticRun.Run(stage2Config, stage2);

        // Same split and validation faces: the second stage's untrained epoch is the first stage's trained network.
        var initial = TrainingRun.ReadHistory(stage2.Metrics)[0];
        Assert.Equal(first.FinalValEer, initial.ValEer, 9);
        Assert.Equal(stage1.Path, File.ReadAllText(Path.Combine(stage2.Path, "init.txt")).Trim());
    }

    [Fact]
    public void A_stage_whose_first_run_is_missing_fails_naming_it()
    {
        var runs = Path.Combine(Path.GetTempPath(), "facegrains-trainer-tests", "staged", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(runs, "stage1-20260101-000000")); // a run that never checkpointed
        var e = Assert.Throws<CheckpointException>(() => RunFolder.Find("stage1", runs));
        Assert.Contains("no run named 'stage1'", e.Message, StringComparison.Ordinal);

        // A longer name that merely starts the same is another run.
        Directory.CreateDirectory(Path.Combine(runs, "stage1-extra-20260101-000000"));
        File.WriteAllText(Path.Combine(runs, "stage1-extra-20260101-000000", "checkpoint.fgckpt"), "");
        Assert.Throws<CheckpointException>(() => RunFolder.Find("stage1", runs));
    }

    [Fact]
    public void An_l2_layer_makes_euclidean_and_cosine_rank_pairs_alike()
    {
        var data = SyntheticFaces.Create(identities: 8, imagesPerIdentity: 5);
        var folder = SyntheticRun.NewFolder();
        SyntheticRun.Run(SyntheticRun.Config(data) with { L2Embedding = true, Losses = [new LossConfig { Type = "softmax" }] }, folder);

        // On unit vectors ‖a − b‖² = 2 − 2·cos: the same order, so the same EER.
        foreach (var epoch in TrainingRun.ReadHistory(folder.Metrics))
        {
            Assert.NotNull(epoch.ValEerEuclidean);
            Assert.Equal(epoch.ValEer, epoch.ValEerEuclidean!.Value, 6);
        }
    }

    [Fact]
    public void A_scaled_l2_layer_trains_the_softmax_on_a_wider_logit_range_and_validates_on_unit_vectors()
    {
        var data = SyntheticFaces.Create(identities: 8, imagesPerIdentity: 5);
        var unit = SyntheticRun.NewFolder();
        var scaled = SyntheticRun.NewFolder();
        var config = SyntheticRun.Config(data) with { L2Embedding = true, Losses = [new LossConfig { Type = "softmax" }] };
        SyntheticRun.Run(config, unit);
        SyntheticRun.Run(config with { L2Scale = 16 }, scaled);

        var first = TrainingRun.ReadHistory(unit.Metrics).ToList();
        var second = TrainingRun.ReadHistory(scaled.Metrics).ToList();
        // The untrained network and its validation are the same; the scale only changes what the loss sees.
        Assert.Equal(first[0].ValEer, second[0].ValEer, 9);
        Assert.NotEqual(first[^1].TrainLoss, second[^1].TrainLoss);
        Assert.All(second, e => Assert.Equal(e.ValEer, e.ValEerEuclidean!.Value, 6));
        Assert.Contains("l2_scale", Assert.Throws<ConfigException>(() => TrainingConfig.Parse("{ \"data\": \"x\", \"l2_scale\": 0 }")).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"face_crop\": \"detect\"", "face_crop 'detect'")]
    [InlineData("\"align_template\": \"mtcnn\"", "align_template 'mtcnn'")]
    [InlineData("\"face_crop\": \"align\", \"crop\": \"0.6,0.5,0.55\"", "takes no crop")]
    [InlineData("\"init\": \"run:\"", "init 'run:'")]
    public void Bad_alignment_and_init_settings_are_refused_naming_the_setting(string settings, string expected)
    {
        var e = Assert.Throws<ConfigException>(() => TrainingConfig.Parse($"{{ \"data\": \"x\", {settings} }}"));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [RequiresModelFact("cfp-train")]
    public void Aligned_training_faces_go_through_the_served_preparer_and_are_kept_for_the_next_run()
    {
        var previous = Environment.GetEnvironmentVariable("FACEGRAINS_HOME");
        Environment.SetEnvironmentVariable("FACEGRAINS_HOME", TestModels.Home.Root);
        try
        {
            var config = SyntheticRun.Config(SharedData.PathOf("cfp-train", "images")) with
            {
                MaxIdentities = 4,
                Backbone = "iresnet18",
                InputSize = 32,
                FaceCrop = "align",
                Epochs = 1,
                StepsPerEpoch = 1,
            };
            var spec = ModelSetup.Preprocessing(config);
            Assert.Equal("align", spec.FaceCrop);
            Assert.Equal(32, spec.AlignTemplate!.Width);
            Assert.Equal(FaceGrains.Recognition.Preprocessing.FaceTemplate.ArcFace112.Points[0][0] * 32 / 112, spec.AlignTemplate.Points[0][0], 9);

            var logs = new List<string>();
            var split = Data.DatasetSplit.Create(TrainingRun.OpenDataset(config.Data), config);
            var first = Data.FaceCache.Build(split.Train, spec, spec.Crop, 2, logs.Add);
            var second = Data.FaceCache.Build(split.Train, spec, spec.Crop, 2, logs.Add);

            // The second build finds every photo in the prepared-face cache: nothing is detected again.
            Assert.Contains(" 0 detected;", logs.Last(l => l.Contains("training faces aligned", StringComparison.Ordinal)), StringComparison.Ordinal);
            var side = (int)Math.Ceiling(32 * Data.FaceCache.CacheScale);
            for (var i = 0; i < split.Train.Count; i++)
            {
                Assert.Equal(first[i] is null, second[i] is null);
                if (first[i] is { } a)
                {
                    Assert.Equal((side, side), (a.Width, a.Height));
                    Assert.Equal(a.Pixels, second[i]!.Pixels);
                }
            }

            Assert.True(Enumerable.Range(0, split.Train.Count).Count(i => first[i] is not null) > split.Train.Count / 2, "most CFP training faces are found and aligned");
            Assert.Equal(first.Skipped, second.Skipped);
        }
        finally
        {
            Environment.SetEnvironmentVariable("FACEGRAINS_HOME", previous);
        }
    }
}
