using FaceGrains.Grains.Interfaces;

namespace FaceGrains.Grains;

/// <summary>
/// This silo's view of the model registry, re-read at most every <see cref="MaxAge"/> (and at once after this silo
/// changed it), so a query does not call the one registry grain. A query resolves the active version once and uses it
/// throughout, so its answer never mixes versions; after a flip, silos follow within <see cref="MaxAge"/>.
/// </summary>
public sealed class ModelRegistryCache(IGrainFactory grains)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1);

    private readonly Lock gate = new();
    private (ModelRegistryView? View, DateTime ReadUtc) current;
    private Task<ModelRegistryView>? reading;

    public async Task<ModelRegistryView> CurrentAsync()
    {
        Task<ModelRegistryView> read;
        lock (gate)
        {
            if (current.View is { } fresh && DateTime.UtcNow - current.ReadUtc < MaxAge)
            {
                return fresh;
            }

            read = reading ??= ReadAsync();
        }

        return await read;
    }

    /// <summary>The version queries are answered with now.</summary>
    public async Task<string> ActiveAsync()
    {
        var view = await CurrentAsync();
        if (string.IsNullOrEmpty(view.ActiveVersion))
        {
            // A fresh cluster whose first silo has not registered its model yet: read again, it may have by now.
            Observe(null);
            view = await CurrentAsync();
        }

        return string.IsNullOrEmpty(view.ActiveVersion)
            ? throw new InvalidOperationException("The cluster has no active model version yet: the first silo registers one as it starts.")
            : view.ActiveVersion;
    }

    /// <summary>Takes a view this silo just got from the registry (newer generations only); null forgets the cached one.</summary>
    public void Observe(ModelRegistryView? view)
    {
        lock (gate)
        {
            if (view is null)
            {
                current = default;
            }
            else if (current.View is null || view.Generation >= current.View.Generation)
            {
                current = (view, DateTime.UtcNow);
            }
        }
    }

    private async Task<ModelRegistryView> ReadAsync()
    {
        try
        {
            var view = await grains.GetGrain<IModelRegistryGrain>(0).GetAsync();
            Observe(view);
            return view;
        }
        finally
        {
            lock (gate)
            {
                reading = null;
            }
        }
    }
}
