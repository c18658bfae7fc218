namespace FaceGrains.Trainer.Data;

/// <summary>
/// The order of one epoch's batches, seeded by (seed, epoch) so a resumed run draws the same batches.
/// "shuffled": every sample once, in random order. "pk": P identities × K images each (with replacement
/// when an identity has fewer than K), as metric losses need positives in every batch.
/// </summary>
public sealed class BatchSampler
{
    private readonly IReadOnlyList<int> _labels;
    private readonly Dictionary<int, List<int>> _byLabel;

    public BatchSampler(IReadOnlyList<int> labels, string kind, int batchSize, int p, int k, int seed)
    {
        _labels = labels;
        Kind = kind;
        BatchSize = kind == "pk" ? p * k : batchSize;
        P = p;
        K = k;
        Seed = seed;
        _byLabel = labels.Select((l, i) => (l, i)).GroupBy(x => x.l).ToDictionary(g => g.Key, g => g.Select(x => x.i).ToList());
        if (kind == "pk" && _byLabel.Count < p)
        {
            throw new DatasetException($"sampler 'pk' needs p={p} identities per batch but training has {_byLabel.Count}");
        }
    }

    public string Kind { get; }
    public int BatchSize { get; }
    public int P { get; }
    public int K { get; }
    public int Seed { get; }

    public int BatchesPerEpoch => Math.Max(1, _labels.Count / BatchSize);

    public List<int[]> Epoch(int epoch)
    {
        var rng = new Random(Seeds.Mix(Seed, epoch, 7919));
        var batches = new List<int[]>();
        if (Kind == "pk")
        {
            var ids = _byLabel.Keys.ToArray();
            for (var b = 0; b < BatchesPerEpoch; b++)
            {
                rng.Shuffle(ids);
                var batch = new List<int>(BatchSize);
                foreach (var id in ids.Take(P))
                {
                    var pool = _byLabel[id].ToArray();
                    rng.Shuffle(pool);
                    for (var j = 0; j < K; j++)
                    {
                        batch.Add(pool[j % pool.Length]);
                    }
                }

                batches.Add([.. batch]);
            }

            return batches;
        }

        var order = Enumerable.Range(0, _labels.Count).ToArray();
        rng.Shuffle(order);
        for (var b = 0; b < BatchesPerEpoch; b++)
        {
            batches.Add(order.AsSpan(b * BatchSize, BatchSize).ToArray());
        }

        return batches;
    }
}
