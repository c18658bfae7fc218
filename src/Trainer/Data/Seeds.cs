namespace FaceGrains.Trainer.Data;

/// <summary>Deterministic seed mixing (HashCode.Combine is randomised per process, which would break resume).</summary>
public static class Seeds
{
    public static int Mix(params int[] parts)
    {
        ulong h = 0x9E3779B97F4A7C15;
        foreach (var p in parts)
        {
            h ^= (ulong)(uint)p + 0x9E3779B97F4A7C15 + (h << 6) + (h >> 2);
            h *= 0xBF58476D1CE4E5B9;
            h ^= h >> 31;
        }

        return (int)(h & 0x7FFFFFFF);
    }
}
