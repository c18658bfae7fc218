using System.Text.Json;
using System.Text.Json.Serialization;
using FaceGrains.Recognition.Datasets;
using FaceGrains.Trainer.Configuration;

namespace FaceGrains.Trainer.Data;

/// <summary>
/// Which faces train and which validate. Split "identity": a seeded share of identities is held out
/// (open-set verification), and a share of each training identity's images is kept for closed-set accuracy.
/// Split "image": every identity trains; a share of each one's images validates both ways.
/// Written to the run folder as split.json so a run can be re-created and audited.
/// </summary>
public sealed record DatasetSplit
{
    [JsonPropertyName("root")] public string Root { get; init; } = "";
    [JsonPropertyName("kind")] public string Kind { get; init; } = "identity";
    [JsonPropertyName("seed")] public int Seed { get; init; }
    [JsonPropertyName("train_identities")] public List<string> TrainIdentities { get; init; } = [];
    [JsonPropertyName("train")] public List<FaceSample> Train { get; init; } = [];
    [JsonPropertyName("closed_set")] public List<FaceSample> ClosedSet { get; init; } = [];
    [JsonPropertyName("verification")] public List<FaceSample> Verification { get; init; } = [];

    public static DatasetSplit Create(FolderDataset dataset, TrainingConfig config)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(config);
        var identities = dataset.Identities.ToList();
        if (config.MaxIdentities > 0 && identities.Count > config.MaxIdentities)
        {
            identities = identities.Take(config.MaxIdentities).ToList();
        }

        if (identities.Count < 2)
        {
            throw new DatasetException($"dataset '{dataset.Root}' has {identities.Count} identity; training needs at least 2 (one folder per identity)");
        }

        var rng = new Random(config.Seed);
        var order = identities.OrderBy(_ => rng.Next()).ToList();
        var heldOut = config.Split == "identity" ? (int)Math.Round(order.Count * config.ValFraction) : 0;
        if (config.Split == "identity" && config.ValFraction > 0)
        {
            heldOut = Math.Clamp(heldOut, 2, order.Count - 2);
            if (order.Count < 4)
            {
                throw new DatasetException($"dataset '{dataset.Root}' has {order.Count} identities; split 'identity' needs at least 4 (2 to train, 2 to validate)");
            }
        }

        var valIds = order.Take(heldOut).OrderBy(i => i.Name, StringComparer.Ordinal).ToList();
        var trainIds = order.Skip(heldOut).OrderBy(i => i.Name, StringComparer.Ordinal).ToList();
        var imageFraction = config.Split == "identity" ? config.ClosedSetFraction : config.ValFraction;
        var train = new List<FaceSample>();
        var closed = new List<FaceSample>();
        for (var label = 0; label < trainIds.Count; label++)
        {
            var id = trainIds[label];
            var paths = id.ImagePaths.OrderBy(_ => rng.Next()).ToList();
            var keep = id.ImagePaths.Count >= 2 ? (int)Math.Floor(paths.Count * imageFraction) : 0;
            closed.AddRange(paths.Take(keep).Order(StringComparer.Ordinal).Select(p => new FaceSample(p, id.Name, label)));
            train.AddRange(paths.Skip(keep).Order(StringComparer.Ordinal).Select(p => new FaceSample(p, id.Name, label)));
        }

        var verification = config.Split == "identity"
            ? valIds.SelectMany(i => i.ImagePaths.Select(p => new FaceSample(p, i.Name, -1))).ToList()
            : closed;
        return new DatasetSplit
        {
            Root = dataset.Root,
            Kind = config.Split,
            Seed = config.Seed,
            TrainIdentities = trainIds.Select(i => i.Name).ToList(),
            Train = train,
            ClosedSet = closed,
            Verification = verification,
        };
    }

    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, TrainingConfig.WriteOptions));

    public static DatasetSplit Load(string path) =>
        JsonSerializer.Deserialize<DatasetSplit>(File.ReadAllText(path)) ?? throw new InvalidDataException($"'{path}' holds no split");
}
