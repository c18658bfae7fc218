namespace FaceGrains.Recognition.Evaluation;

/// <summary>The LFW "unrestricted" accuracy protocol over scored pairs: each fold is tested at a threshold learnt on the others.</summary>
public static class LfwProtocol
{
    /// <summary>
    /// For every fold, picks <see cref="BestThreshold"/> on all other folds and measures accuracy on the fold.
    /// Works for any number (≥ 2) of folds; LFW View 2 has 10. Higher score = more similar.
    /// </summary>
    public static LfwAccuracyResult TenFoldAccuracy(ReadOnlySpan<double> scores, ReadOnlySpan<bool> genuine, ReadOnlySpan<int> folds)
    {
        if (scores.Length != genuine.Length || scores.Length != folds.Length)
        {
            throw new ArgumentException($"{scores.Length} scores, {genuine.Length} labels and {folds.Length} fold indices must match.", nameof(folds));
        }

        var foldIds = folds.ToArray().Distinct().Order().ToArray();
        if (foldIds.Length < 2)
        {
            throw new ArgumentException("Cross-validation needs at least two folds.", nameof(folds));
        }

        var results = new List<LfwFoldAccuracy>(foldIds.Length);
        var trainScores = new List<double>(scores.Length);
        var trainLabels = new List<bool>(scores.Length);
        foreach (var heldOut in foldIds)
        {
            trainScores.Clear();
            trainLabels.Clear();
            for (var i = 0; i < scores.Length; i++)
            {
                if (folds[i] != heldOut)
                {
                    trainScores.Add(scores[i]);
                    trainLabels.Add(genuine[i]);
                }
            }

            var threshold = BestThreshold(trainScores.ToArray(), trainLabels.ToArray());
            int correct = 0, count = 0;
            for (var i = 0; i < scores.Length; i++)
            {
                if (folds[i] == heldOut)
                {
                    count++;
                    correct += (scores[i] >= threshold) == genuine[i] ? 1 : 0;
                }
            }

            results.Add(new LfwFoldAccuracy(heldOut, threshold, (double)correct / count, count));
        }

        var mean = results.Average(r => r.Accuracy);
        var variance = results.Sum(r => (r.Accuracy - mean) * (r.Accuracy - mean)) / (results.Count - 1);
        var std = Math.Sqrt(variance);
        return new LfwAccuracyResult(results, mean, std, std / Math.Sqrt(results.Count));
    }

    /// <summary>
    /// The threshold (genuine when score ≥ threshold) that maximises accuracy on these pairs. Candidates are the
    /// midpoints between consecutive distinct scores, plus −∞ (call everything genuine) and +∞ (call nothing genuine);
    /// among equally accurate candidates the lowest wins.
    /// </summary>
    public static double BestThreshold(ReadOnlySpan<double> scores, ReadOnlySpan<bool> genuine)
    {
        if (scores.Length != genuine.Length)
        {
            throw new ArgumentException($"{scores.Length} scores but {genuine.Length} labels.", nameof(genuine));
        }

        if (scores.Length == 0)
        {
            throw new ArgumentException("No pairs to choose a threshold on.", nameof(scores));
        }

        var sorted = scores.ToArray();
        var labels = genuine.ToArray();
        Array.Sort(sorted, labels);

        // Below the lowest score everything is called genuine: correct = number of genuine pairs.
        var correct = labels.Count(g => g);
        var bestCorrect = correct;
        var bestThreshold = double.NegativeInfinity;
        for (var i = 0; i < sorted.Length;)
        {
            // Moving the threshold above this distinct value rejects all pairs that share it.
            var value = sorted[i];
            for (; i < sorted.Length && sorted[i] == value; i++)
            {
                correct += labels[i] ? -1 : 1;
            }

            if (correct > bestCorrect)
            {
                bestCorrect = correct;
                bestThreshold = i < sorted.Length ? value + ((sorted[i] - value) / 2) : double.PositiveInfinity;
            }
        }

        return bestThreshold;
    }
}
