using System.Globalization;
using FaceGrains.Grains.Interfaces;
using FaceGrains.Recognition.Models;
using FaceGrains.Silo.Security;

namespace FaceGrains.Silo.Api;

/// <summary>The gallery's HTTP routes. Each turns a request into one grain call and the grain's answer into JSON or a problem.</summary>
public static class GalleryEndpoints
{
    public static IEndpointRouteBuilder MapGalleryEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/health", Health).AllowAnonymous().WithTags("health").WithSummary("Liveness, the model version served with its recipe, and the identification operating point (target FPIR, threshold at the current gallery size, calibration source).");
        routes.MapModelEndpoints();

        var identities = routes.MapGroup("/identities").WithTags("identities");
        identities.MapPost("/{id}/faces", Enroll)
            .Accepts<IFormFileCollection>("multipart/form-data")
            .Produces<EnrollmentResult>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .RequireAuthorization(ApiRoles.Admin)
            .AddEndpointFilter(new Audited("enrol", "id"))
            .WithMultipartForm("One file part per photo.", ("display_name", "The person's name as shown in answers (kept when omitted)."), AlignedField)
            .WithQueryParameter(AlignedQuery)
            .WithSummary("Enrol photos (multipart file parts) under an identity: the largest face of each, detected, quality-checked and aligned; optional form field display_name; aligned=true for images that are aligned face chips already.");
        identities.MapGet("/", ListIdentities).Produces<IdentityPage>().ProducesProblem(StatusCodes.Status400BadRequest).RequireAuthorization(ApiRoles.Reader)
            .WithQueryParameter(new("limit", "integer", $"Identities per page, 1–{IdentityPageRequest.MaxLimit} (default {IdentityPageRequest.DefaultLimit})."))
            .WithQueryParameter(new("after", "string", "The next_cursor of the previous page (omit for the first page)."))
            .WithQueryParameter(new("q", "string", "Only identities whose id or display name contains this text (case-insensitive)."))
            .WithSummary("One page of identities in id order: identities (id, display name, face count, updated) and next_cursor (null on the last page).");
        routes.MapGet("/gallery/stats", async (IGrainFactory grains) => Results.Ok(await grains.GetGrain<IGalleryGrain>(0).GetStatsAsync()))
            .Produces<GalleryStats>().RequireAuthorization(ApiRoles.Reader).WithTags("identities")
            .WithSummary("The active version's gallery: identity count, rows, each shard's identities, rows, dimension and silo, and the default identification threshold now.");
        identities.MapGet("/{id}", GetIdentity).Produces<IdentityView>().ProducesProblem(StatusCodes.Status404NotFound).RequireAuthorization(ApiRoles.Reader).WithSummary("One identity and its faces.");
        identities.MapDelete("/{id}", Forget).Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAuthorization(ApiRoles.Admin)
            .AddEndpointFilter(new Audited("forget", "id"))
            .WithSummary("Forget an identity: faces, stored images, embeddings, shard rows.");
        identities.MapFaceEndpoints();

        routes.MapPost("/identify", Identify)
            .Accepts<IFormFileCollection>("multipart/form-data")
            .Produces<IdentifyResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithTags("search")
            .RequireAuthorization(ApiRoles.Reader)
            .WithMultipartForm("One file part per probe photo; every face in each is answered.", AlignedField)
            .WithQueryParameter(new("target_fpir", "number", "Operating point: the false-positive identification rate to hold at the gallery's size (0 < rate < 1). Default: the silo's configured target."))
            .WithQueryParameter(new("threshold", "number", "Operating point as a raw cosine threshold in [-1, 1], instead of target_fpir."))
            .WithQueryParameter(new("candidates", "integer", "How many candidates to list per face (1–100)."))
            .WithQueryParameter(AlignedQuery)
            .WithSummary("Open-set identification of every face in each probe photo: box, five points, quality, decision (an identity or no-correspondence), candidates. Query: target_fpir or threshold, candidates, aligned.");
        routes.MapPost("/verify", Verify)
            .Accepts<IFormFileCollection>("multipart/form-data")
            .Produces<VerificationAnswer>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithTags("search")
            .RequireAuthorization(ApiRoles.Reader)
            .WithMultipartForm("Two file parts (compared with each other), or one file part and the field identity.", ("identity", "An enrolled identity id to verify the one image against."), AlignedField)
            .WithQueryParameter(new("target_fmr", "number", "Operating point: the false-match rate to hold (0 < rate < 1). Default: the silo's configured target."))
            .WithQueryParameter(new("threshold", "number", "Operating point as a raw cosine threshold in [-1, 1], instead of target_fmr."))
            .WithQueryParameter(AlignedQuery)
            .WithSummary("1:1 verification of the largest face of each image: two image parts, or one image part and the form field identity. Query: target_fmr or threshold, aligned.");
        return routes;
    }

    private static readonly (string Name, string Description) AlignedField =
        ("aligned", "true when the images are aligned face chips already (detection skipped); as the query parameter.");

    private static readonly QueryParameterDoc AlignedQuery =
        new("aligned", "boolean", "true when the images are aligned face chips already (detection skipped). Default false.");

    /// <summary>The body of a successful identification: one answer per probe image, each with one answer per face.</summary>
    public sealed record IdentifyResponse(IReadOnlyList<ProbeAnswer> Answers);

    private static async Task<IResult> Health(GalleryStatus status, CancellationToken cancellationToken) =>
        Results.Ok(await status.GetAsync(cancellationToken));

    /// <summary>
    /// aligned=true (query parameter or form field): the caller declares the images to be aligned face chips, which then
    /// skip detection; anything else but "false" is refused.
    /// </summary>
    private static (bool Aligned, IResult? Problem) ReadAligned(HttpRequest request, IFormCollection? form)
    {
        var values = request.Query["aligned"].Concat(form?["aligned"] ?? default(Microsoft.Extensions.Primitives.StringValues)).ToList();
        var aligned = false;
        foreach (var value in values)
        {
            if (!bool.TryParse(value, out var parsed))
            {
                return (false, Problems.BadRequest("Bad aligned", $"aligned must be true or false (got '{value}')."));
            }

            aligned |= parsed;
        }

        return (aligned, null);
    }

    private static async Task<IResult> Enroll(string id, HttpRequest request, IGrainFactory grains, SiloOptions options, CancellationToken cancellationToken)
    {
        if (IdentityIds.Problem(id) is { } idProblem)
        {
            return Problems.BadRequest("Bad identity id", idProblem);
        }

        id = IdentityIds.Normalize(id);

        var (upload, problem) = await UploadedImages.ReadAsync(request, options, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (upload!.Images.Count == 0)
        {
            return Problems.BadRequest("No images", "The request has no file parts; send one part per image.");
        }

        var (aligned, alignedProblem) = ReadAligned(request, upload.Form);
        if (alignedProblem is not null)
        {
            return alignedProblem;
        }

        var displayName = upload.Form.TryGetValue("display_name", out var name) && !string.IsNullOrWhiteSpace(name) ? name.ToString() : null;
        var result = await grains.GetGrain<IIdentityGrain>(id).EnrollAsync(new EnrollRequest(upload.Images, displayName, Aligned: aligned));
        if (result.Faces.Any(f => f.IsEnrolled))
        {
            return Results.Ok(result);
        }

        var extensions = new Dictionary<string, object?> { ["identity_id"] = id, ["faces"] = result.Faces };
        var reasons = string.Join("; ", result.Faces.Select(f => $"{f.FileName ?? $"#{f.Index}"}: {f.Message}"));
        return result.Faces.All(f => f.Status == FaceStatus.ConflictsWithOtherIdentity)
            ? Problems.Conflict($"No face enrolled under '{id}': {reasons}", extensions)
            : Problems.Unprocessable("No face enrolled", $"No face enrolled under '{id}': {reasons}", extensions);
    }

    private static async Task<IResult> ListIdentities(HttpRequest request, IGrainFactory grains)
    {
        var limit = IdentityPageRequest.DefaultLimit;
        if (request.Query.TryGetValue("limit", out var l)
            && (!int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > IdentityPageRequest.MaxLimit))
        {
            return Problems.BadRequest("Bad limit", $"limit must be a whole number from 1 to {IdentityPageRequest.MaxLimit} (got '{l}').");
        }

        var after = request.Query.TryGetValue("after", out var a) && !string.IsNullOrEmpty(a) ? a.ToString() : null;
        if (after is not null && IdentityPageRequest.IdOfCursor(after) is null)
        {
            return Problems.BadRequest("Bad cursor", $"after must be the next_cursor of a previous page (got '{after}').");
        }

        var search = request.Query.TryGetValue("q", out var q) && !string.IsNullOrWhiteSpace(q) ? IdentityIds.NormalizeSearch(q.ToString()) : null;
        return Results.Ok(await grains.GetGrain<IGalleryGrain>(0).ListIdentitiesAsync(new IdentityPageRequest(after, limit, search)));
    }

    private static async Task<IResult> GetIdentity(string id, IGrainFactory grains)
    {
        if (IdentityIds.Problem(id) is { } idProblem)
        {
            return Problems.BadRequest("Bad identity id", idProblem);
        }

        id = IdentityIds.Normalize(id);

        var view = await grains.GetGrain<IIdentityGrain>(id).GetAsync();
        return view is null ? Problems.NotFound($"No identity '{id}' in the gallery.") : Results.Ok(view);
    }

    private static async Task<IResult> Forget(string id, IGrainFactory grains)
    {
        if (IdentityIds.Problem(id) is { } idProblem)
        {
            return Problems.BadRequest("Bad identity id", idProblem);
        }

        id = IdentityIds.Normalize(id);

        return await grains.GetGrain<IIdentityGrain>(id).ForgetAsync()
            ? Results.NoContent()
            : Problems.NotFound($"No identity '{id}' in the gallery; nothing was removed.");
    }

    private static async Task<IResult> Identify(HttpRequest request, IGrainFactory grains, SiloOptions options, CancellationToken cancellationToken)
    {
        var (threshold, thresholdProblem) = ReadThreshold(request, "target_fpir");
        if (thresholdProblem is not null)
        {
            return thresholdProblem;
        }

        int? candidates = null;
        if (request.Query.TryGetValue("candidates", out var c))
        {
            if (!int.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out var k) || k is < 1 or > 100)
            {
                return Problems.BadRequest("Bad candidates", $"candidates must be a whole number from 1 to 100 (got '{c}').");
            }

            candidates = k;
        }

        var (upload, problem) = await UploadedImages.ReadAsync(request, options, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (upload!.Images.Count == 0)
        {
            return Problems.BadRequest("No probes", "The request has no file parts; send one part per probe image.");
        }

        var (aligned, alignedProblem) = ReadAligned(request, upload.Form);
        if (alignedProblem is not null)
        {
            return alignedProblem;
        }

        var answers = await grains.GetGrain<IMatcherGrain>(0).IdentifyAsync(upload.Images, new IdentifyOptions(threshold, candidates, aligned));
        if (answers.All(a => a.Rejection is not null))
        {
            var reasons = string.Join("; ", answers.Select(a => $"{a.FileName ?? $"#{a.ProbeIndex}"}: {a.Rejection?.Message}"));
            return Problems.Unprocessable("No usable probe", $"No probe image could be used: {reasons}", new Dictionary<string, object?> { ["answers"] = answers });
        }

        return Results.Ok(new IdentifyResponse(answers));
    }

    private static async Task<IResult> Verify(HttpRequest request, IGrainFactory grains, SiloOptions options, CancellationToken cancellationToken)
    {
        var (threshold, thresholdProblem) = ReadThreshold(request, "target_fmr");
        if (thresholdProblem is not null)
        {
            return thresholdProblem;
        }

        var (upload, problem) = await UploadedImages.ReadAsync(request, options, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var (aligned, alignedProblem) = ReadAligned(request, upload!.Form);
        if (alignedProblem is not null)
        {
            return alignedProblem;
        }

        var identity = upload.Form.TryGetValue("identity", out var i) && !string.IsNullOrWhiteSpace(i) ? i.ToString() : null;
        VerifyRequest verify;
        if (identity is not null)
        {
            if (IdentityIds.Problem(identity) is { } idProblem)
            {
                return Problems.BadRequest("Bad identity id", idProblem);
            }

            identity = IdentityIds.Normalize(identity);

            if (upload.Images.Count != 1)
            {
                return Problems.BadRequest("Wrong number of images", $"With the field identity, send exactly one image part (got {upload.Images.Count}).");
            }

            verify = new VerifyRequest(upload.Images[0], IdentityId: identity, Threshold: threshold, Aligned: aligned);
        }
        else
        {
            if (upload.Images.Count != 2)
            {
                return Problems.BadRequest("Wrong number of images", $"Send two image parts, or one image part and the field identity (got {upload.Images.Count} images).");
            }

            verify = new VerifyRequest(upload.Images[0], Other: upload.Images[1], Threshold: threshold, Aligned: aligned);
        }

        var answer = await grains.GetGrain<IMatcherGrain>(0).VerifyAsync(verify);
        if (answer.IdentityFound == false)
        {
            return Problems.NotFound($"No identity '{identity}' with faces for the active model version.");
        }

        if (answer.ProbeRejection is not null || answer.OtherRejection is not null)
        {
            var reasons = string.Join("; ", new[] { answer.ProbeRejection, answer.OtherRejection }.OfType<ProbeRejection>().Select(r => r.Message));
            return Problems.Unprocessable("Image not usable", reasons, new Dictionary<string, object?> { ["answer"] = answer });
        }

        return Results.Ok(answer);
    }

    /// <summary>An operating point from the query: <paramref name="targetName"/> (a rate in (0, 1)) or threshold (a cosine), not both.</summary>
    private static (ThresholdRequest? Request, IResult? Problem) ReadThreshold(HttpRequest request, string targetName)
    {
        double? target = null, raw = null;
        if (request.Query.TryGetValue(targetName, out var t))
        {
            if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !(value > 0 && value < 1))
            {
                return (null, Problems.BadRequest($"Bad {targetName}", $"{targetName} must be a rate between 0 and 1, exclusive (got '{t}')."));
            }

            target = value;
        }

        if (request.Query.TryGetValue("threshold", out var r))
        {
            if (!double.TryParse(r, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !(value >= -1 && value <= 1))
            {
                return (null, Problems.BadRequest("Bad threshold", $"threshold must be a cosine similarity in [-1, 1] (got '{r}')."));
            }

            raw = value;
        }

        if (target is not null && raw is not null)
        {
            return (null, Problems.BadRequest("Two operating points", $"Give {targetName} or threshold, not both."));
        }

        return (target is null && raw is null ? null
            : targetName == "target_fmr" ? new ThresholdRequest(Threshold: raw, TargetFmr: target)
            : new ThresholdRequest(target, raw), null);
    }
}
