using FaceGrains.Recognition.Similarity;
using Xunit;

namespace FaceGrains.Recognition.Tests.Similarity;

public sealed class TopKTests
{
    [Fact]
    public void Select_returns_best_first()
    {
        float[] scores = [0.1f, 0.9f, 0.5f, 0.7f, 0.3f];

        var top = TopK.Select(scores, 3);

        Assert.Equal([new(1, 0.9f), new(3, 0.7f), new(2, 0.5f)], top);
    }

    [Fact]
    public void Select_breaks_ties_by_lower_index()
    {
        float[] scores = [0.5f, 0.8f, 0.5f, 0.8f, 0.5f];

        var top = TopK.Select(scores, 4);

        Assert.Equal([1, 3, 0, 2], top.Select(s => s.Index));
    }

    [Fact]
    public void Select_clamps_k_to_the_number_of_scores()
    {
        float[] scores = [0.2f, 0.4f];

        Assert.Equal([new(1, 0.4f), new(0, 0.2f)], TopK.Select(scores, 10));
        Assert.Empty(TopK.Select(scores, 0));
        Assert.Empty(TopK.Select([], 3));
    }

    [Fact]
    public void Select_ranks_NaN_last()
    {
        float[] scores = [float.NaN, -1f, 0.5f];

        Assert.Equal([2, 1, 0], TopK.Select(scores, 3).Select(s => s.Index));
    }

    [Fact]
    public void Select_agrees_with_a_full_sort_on_random_scores()
    {
        var random = new Random(3);
        // Rounded to a few values so there are many ties.
        var scores = Enumerable.Range(0, 1000).Select(_ => MathF.Round((float)random.NextDouble(), 2)).ToArray();
        var expected = scores.Select((s, i) => new ScoredIndex(i, s)).OrderByDescending(x => x.Score).ThenBy(x => x.Index).Take(37);

        Assert.Equal(expected, TopK.Select(scores, 37));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(37)]
    public void Select_passes_over_blocks_of_scores_without_changing_the_answer(int k)
    {
        // Long runs past the first k (the blocks of 16 the vector path skips), ties, infinities and NaN, also NaN as
        // the worst kept entry (every number ranks before it, so no block may be skipped then).
        var random = new Random(k);
        var scores = Enumerable.Range(0, 5003).Select(i => (i % 97) switch
        {
            0 => float.NaN,
            1 => float.NegativeInfinity,
            2 => float.PositiveInfinity,
            _ => MathF.Round((float)random.NextDouble(), 2),
        }).ToArray();
        float[] nanFirst = [.. Enumerable.Repeat(float.NaN, 40), .. scores];
        foreach (var input in new[] { scores, nanFirst })
        {
            var expected = input.Select((s, i) => new ScoredIndex(i, s))
                .OrderBy(x => float.IsNaN(x.Score)).ThenByDescending(x => float.IsNaN(x.Score) ? 0 : x.Score).ThenBy(x => x.Index).Take(k);
            Assert.Equal(expected, TopK.Select(input, k));
        }
    }

    [Fact]
    public void SelectBatch_selects_per_row()
    {
        float[] scores =
        [
            0.1f, 0.9f, 0.5f,
            0.8f, 0.2f, 0.8f,
        ];

        var top = TopK.SelectBatch(scores, 2, 2);

        Assert.Equal([new(1, 0.9f), new(2, 0.5f)], top[0]);
        Assert.Equal([new(0, 0.8f), new(2, 0.8f)], top[1]);
    }

    [Fact]
    public void Merge_combines_sorted_lists_into_one_top_k()
    {
        ScoredIndex[] shardA = [new(10, 0.9f), new(11, 0.4f), new(12, 0.1f)];
        ScoredIndex[] shardB = [new(20, 0.8f), new(21, 0.4f)];
        ScoredIndex[] shardC = [];
        ScoredIndex[] shardD = [new(5, 0.4f)];

        var merged = TopK.Merge([shardA, shardB, shardC, shardD], 4);

        Assert.Equal([new(10, 0.9f), new(20, 0.8f), new(5, 0.4f), new(11, 0.4f)], merged);
    }

    [Fact]
    public void Merge_clamps_k_to_what_the_lists_hold()
    {
        ScoredIndex[] a = [new(1, 0.5f)];
        ScoredIndex[] b = [new(2, 0.7f)];

        Assert.Equal([new(2, 0.7f), new(1, 0.5f)], TopK.Merge([a, b], 5));
        Assert.Empty(TopK.Merge([], 5));
    }

    [Fact]
    public void Merge_rejects_an_unsorted_list()
    {
        ScoredIndex[] unsorted = [new(1, 0.1f), new(2, 0.9f)];

        Assert.Throws<ArgumentException>(() => TopK.Merge([unsorted], 2));
    }
}
