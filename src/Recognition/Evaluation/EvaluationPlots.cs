using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace FaceGrains.Recognition.Evaluation;

/// <summary>
/// ROC and DET plots as PNG files. ScottPlot 5 has no logarithmic axis type, so rates are plotted as log10 values
/// under decade tick labels; points whose rate is 0 have no logarithm and are left out.
/// </summary>
public static class EvaluationPlots
{
    private const int WidthPixels = 800;
    private const int HeightPixels = 600;
    private const float LineWidth = 2;

    /// <summary>Minor ticks at 2·10^k … 9·10^k, as on log paper.</summary>
    private const int MinorTicksPerDecade = 9;

    /// <summary>TAR against FAR, FAR on a log scale.</summary>
    public static void SaveRoc(VerificationResult result, string pngPath, string title)
    {
        ArgumentNullException.ThrowIfNull(result);
        var points = result.Roc.Where(p => p.Far > 0).ToArray();
        var xs = points.Select(p => Math.Log10(p.Far)).ToArray();
        var ys = points.Select(p => p.Tar).ToArray();

        var plot = new Plot();
        AddCurve(plot, xs, ys, string.Create(CultureInfo.InvariantCulture, $"AUC {result.Auc:F4}, EER {result.Eer:P2}"));
        var lowestDecade = LowestDecade(xs);
        plot.Axes.Bottom.TickGenerator = LogTicks(lowestDecade);
        plot.Axes.SetLimits(lowestDecade, 0, 0, 1);
        Label(plot, title, "False accept rate (FAR)", "True accept rate (TAR)");
        Save(plot, pngPath);
    }

    /// <summary>FRR against FAR for verification, both on log scales.</summary>
    public static void SaveDet(VerificationResult result, string pngPath, string title)
    {
        ArgumentNullException.ThrowIfNull(result);
        var points = result.Roc.Select(p => new DetPoint(p.Far, p.Frr, p.Threshold)).ToArray();
        SaveLogLog(points, pngPath, title, "False accept rate (FAR)", "False reject rate (FRR)", string.Create(CultureInfo.InvariantCulture, $"EER {result.Eer:P2}"));
    }

    /// <summary>FNIR against FPIR for open-set identification, both on log scales.</summary>
    public static void SaveDet(OpenSetResult result, string pngPath, string title)
    {
        ArgumentNullException.ThrowIfNull(result);
        var legend = string.Join(", ", result.FnirAtFpir.Select(f => string.Create(CultureInfo.InvariantCulture, $"FNIR {f.Fnir:P2} @ FPIR {f.TargetFpir:G}{(f.Resolvable ? "" : " (unresolved)")}")));
        SaveLogLog(result.Det, pngPath, title, "False positive identification rate (FPIR)", "False negative identification rate (FNIR)", legend);
    }

    private static void SaveLogLog(IReadOnlyList<DetPoint> det, string pngPath, string title, string xLabel, string yLabel, string legend)
    {
        var points = det.Where(p => p.FalsePositiveRate > 0 && p.FalseNegativeRate > 0).ToArray();
        var xs = points.Select(p => Math.Log10(p.FalsePositiveRate)).ToArray();
        var ys = points.Select(p => Math.Log10(p.FalseNegativeRate)).ToArray();

        var plot = new Plot();
        AddCurve(plot, xs, ys, legend);
        var lowestX = LowestDecade(xs);
        var lowestY = LowestDecade(ys);
        plot.Axes.Bottom.TickGenerator = LogTicks(lowestX);
        plot.Axes.Left.TickGenerator = LogTicks(lowestY);
        plot.Axes.SetLimits(lowestX, 0, lowestY, 0);
        Label(plot, title, xLabel, yLabel);
        Save(plot, pngPath);
    }

    private static void AddCurve(Plot plot, double[] xs, double[] ys, string legend)
    {
        if (xs.Length == 0)
        {
            // Nothing has a non-zero rate (e.g. perfectly separated scores): say so instead of drawing an empty frame.
            plot.Add.Annotation("no points with non-zero rates to draw on a log scale");
            return;
        }

        var line = plot.Add.ScatterLine(xs, ys);
        line.LineWidth = LineWidth;
        line.LegendText = legend;
        plot.ShowLegend(Alignment.LowerRight);
    }

    /// <summary>The decade just below the smallest log10 value, so the curve never touches the frame; −1 when empty.</summary>
    private static int LowestDecade(double[] logValues) =>
        logValues.Length == 0 ? -1 : Math.Min(-1, (int)Math.Floor(logValues.Min()));

    private static NumericManual LogTicks(int lowestDecade)
    {
        var ticks = new NumericManual();
        for (var decade = lowestDecade; decade <= 0; decade++)
        {
            ticks.AddMajor(decade, DecadeLabel(decade));
            if (decade == 0)
            {
                break;
            }

            for (var m = 2; m <= MinorTicksPerDecade; m++)
            {
                ticks.AddMinor(decade + Math.Log10(m));
            }
        }

        return ticks;
    }

    private static string DecadeLabel(int decade) => decade switch
    {
        0 => "1",
        -1 => "0.1",
        -2 => "0.01",
        _ => string.Create(CultureInfo.InvariantCulture, $"1e{decade}"),
    };

    private static void Label(Plot plot, string title, string xLabel, string yLabel)
    {
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
    }

    private static void Save(Plot plot, string pngPath)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(pngPath));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        plot.SavePng(pngPath, WidthPixels, HeightPixels);
    }
}
