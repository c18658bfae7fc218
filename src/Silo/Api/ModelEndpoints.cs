using FaceGrains.Grains.Interfaces;
using FaceGrains.Silo.Security;

namespace FaceGrains.Silo.Api;

/// <summary>
/// The model-version routes: what the cluster serves, and the hot swap (activate → migrate → gate → flip, rollback,
/// retire). Each is one call to the cluster's model registry; a request the registry's state refuses (a migration
/// already running, nothing to roll back to) is a 409 that says why.
/// </summary>
public static class ModelEndpoints
{
    public static IEndpointRouteBuilder MapModelEndpoints(this IEndpointRouteBuilder routes)
    {
        var models = routes.MapGroup("/models").WithTags("models");
        models.MapGet("/", (IGrainFactory grains) => Registry(grains).ListAsync())
            .Produces<ModelsOverview>()
            .RequireAuthorization(ApiRoles.Reader)
            .WithSummary("Every model version in the cluster's store and registry: state (active, candidate, previous, retired, available), recipe, calibration, last gate; and the migration under way or last run.");
        models.MapGet("/migration", async (IGrainFactory grains) =>
                (await Registry(grains).GetAsync()).Migration is { } migration ? Results.Ok(migration) : Problems.NotFound("No migration has run in this cluster."))
            .Produces<MigrationStatus>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAuthorization(ApiRoles.Reader)
            .WithSummary("The migration under way or last run: phase, identities done / total, rate, ETA, failures with reasons, message.");
        models.MapPost("/{id}/activate", (string id, bool? force, IGrainFactory grains) =>
                Refusable(async () => Results.Accepted("/models/migration", await Registry(grains).ActivateAsync(new ActivateRequest(id, force ?? false)))))
            .Produces<ModelRegistryView>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .RequireAuthorization(ApiRoles.Admin)
            .AddEndpointFilter(new Audited("model_activate", "id"))
            .WithQueryParameter(new("force", "boolean", "true: flip to the candidate even when its gate fails."))
            .WithSummary("Start the swap to a model version (id or unique prefix): every identity is re-embedded in the background, the candidate is gated against the active version, then flipped. Query force=true flips past a failing gate. Follow it at /models/migration.");
        models.MapPost("/migration/cancel", (IGrainFactory grains) => Refusable(async () => Results.Ok(await Registry(grains).CancelMigrationAsync())))
            .Produces<ModelRegistryView>()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .RequireAuthorization(ApiRoles.Admin)
            .AddEndpointFilter(new Audited("model_migration_cancel"))
            .WithSummary("Stop the running migration; the active version stays.");
        models.MapPost("/rollback", (IGrainFactory grains) => Refusable(async () => Results.Ok(await Registry(grains).RollbackAsync())))
            .Produces<ModelRegistryView>()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .RequireAuthorization(ApiRoles.Admin)
            .AddEndpointFilter(new Audited("model_rollback"))
            .WithSummary("Flip back to the previous version at once (its shards were kept up to date).");
        models.MapPost("/{id}/retire", (string id, IGrainFactory grains) => Refusable(async () => Results.Ok(await Registry(grains).RetireAsync(id))))
            .Produces<ModelRegistryView>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .RequireAuthorization(ApiRoles.Admin)
            .AddEndpointFilter(new Audited("model_retire", "id"))
            .WithSummary("Drop a version's shards, embeddings and gallery calibration (in the background). Refused for the active version.");
        return routes;
    }

    private static IModelRegistryGrain Registry(IGrainFactory grains) => grains.GetGrain<IModelRegistryGrain>(0);

    /// <summary>The registry refuses with InvalidOperationException when its state does not allow the request now: 409 with its sentence.</summary>
    private static async Task<IResult> Refusable(Func<Task<IResult>> call)
    {
        try
        {
            return await call();
        }
        catch (InvalidOperationException e)
        {
            return Problems.Conflict(e.Message);
        }
    }
}
