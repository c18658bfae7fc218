using ScottPlot;

namespace FaceGrains.Trainer.Training;

/// <summary>Training curves as PNG: loss per epoch and validation EER per epoch.</summary>
public static class CurvePlots
{
    public static void Save(IReadOnlyList<EpochMetrics> history, RunFolder run)
    {
        Line(history.Where(m => m.TrainLoss is not null).Select(m => ((double)m.Epoch, m.TrainLoss!.Value)).ToList(), "training loss", "loss", run.LossCurve);
        Line(history.Select(m => ((double)m.Epoch, m.ValEer)).ToList(), "held-out verification EER", "EER", run.EerCurve);
    }

    private static void Line(List<(double X, double Y)> points, string title, string yLabel, string path)
    {
        if (points.Count == 0)
        {
            return;
        }

        var plot = new Plot();
        plot.Add.ScatterLine(points.Select(p => p.X).ToArray(), points.Select(p => p.Y).ToArray());
        plot.Title(title);
        plot.XLabel("epoch");
        plot.YLabel(yLabel);
        plot.SavePng(path, 640, 420);
    }
}
