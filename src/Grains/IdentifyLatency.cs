namespace FaceGrains.Grains;

/// <summary>
/// The identify latencies this silo measured lately (the matcher records every call), so a background job can tell
/// whether it is slowing the queries down and back off (<see cref="MigrationGrain"/>'s throttle).
/// </summary>
public sealed class IdentifyLatency
{
    private const int Capacity = 4096;
    private readonly (long Ticks, double Milliseconds)[] samples = new (long, double)[Capacity];
    private readonly Lock gate = new();
    private int next;
    private int count;

    public void Record(TimeSpan duration)
    {
        lock (gate)
        {
            samples[next] = (DateTime.UtcNow.Ticks, duration.TotalMilliseconds);
            next = (next + 1) % Capacity;
            count = Math.Min(count + 1, Capacity);
        }
    }

    /// <summary>The 99th percentile of the calls of the last <paramref name="window"/>, or null with fewer than <paramref name="minSamples"/> of them.</summary>
    public double? P99(TimeSpan window, int minSamples = 20)
    {
        var since = DateTime.UtcNow.Ticks - window.Ticks;
        double[] recent;
        lock (gate)
        {
            recent = samples.Take(count).Where(s => s.Ticks >= since).Select(s => s.Milliseconds).Order().ToArray();
        }

        return recent.Length < minSamples ? null : recent[Math.Min(recent.Length - 1, (int)Math.Ceiling(0.99 * recent.Length) - 1)];
    }
}
