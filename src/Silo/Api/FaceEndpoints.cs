using FaceGrains.Grains;
using FaceGrains.Grains.Interfaces;
using FaceGrains.Recognition.Detection;
using FaceGrains.Recognition.Images;
using FaceGrains.Silo.Security;

namespace FaceGrains.Silo.Api;

/// <summary>
/// One enrolled face of an identity: its stored image, its aligned face chip (cut by the active model version's
/// <see cref="FacePreparer"/>, the path the embedder takes), and removing it. A face id that is not one of the
/// identity's faces is 404, whatever else it names.
/// </summary>
public static class FaceEndpoints
{
    public static RouteGroupBuilder MapFaceEndpoints(this RouteGroupBuilder identities)
    {
        identities.MapGet("/{id}/faces/{faceId}/image", Image)
            .RequireAuthorization(ApiRoles.Reader)
            .Produces<byte[]>(StatusCodes.Status200OK, "image/jpeg", "image/png", "image/gif", "image/bmp", "image/webp", "application/octet-stream")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("The image of one enrolled face, as it was enrolled, with its content type.");
        identities.MapGet("/{id}/faces/{faceId}/chip", Chip)
            .RequireAuthorization(ApiRoles.Reader)
            .Produces<byte[]>(StatusCodes.Status200OK, "image/png")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("The face chip of one enrolled face as PNG: the face the active model version sees, prepared by its recipe (detected and aligned, or as a declared chip if it was enrolled with aligned=true).");
        identities.MapDelete("/{id}/faces/{faceId}", Remove)
            .RequireAuthorization(ApiRoles.Admin)
            .AddEndpointFilter(new Audited("face_remove", "id", "faceId"))
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Remove one face of an identity (stored image, embeddings); the centroid is recomputed. The identity stays, even with no face left.");
        return identities;
    }

    private static async Task<IResult> Image(string id, string faceId, IGrainFactory grains, IFaceImageStore images, CancellationToken cancellationToken)
    {
        var (face, bytes, problem) = await ReadImageAsync(id, faceId, grains, images, cancellationToken);
        return problem ?? Results.File(bytes!, ContentTypeOf(bytes));
    }

    private static async Task<IResult> Chip(
        string id, string faceId, IGrainFactory grains, IFaceImageStore images, ModelCatalog catalog, ModelRegistryCache registry, CancellationToken cancellationToken)
    {
        var (face, bytes, problem) = await ReadImageAsync(id, faceId, grains, images, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        // Prepared as it was enrolled: a declared chip (aligned=true) as a chip again.
        var model = await catalog.GetAsync(await registry.ActiveAsync()).WaitAsync(cancellationToken);
        var photo = model.Preparer.Prepare(ImageDecoder.Decode(bytes!, model.Limits), FaceSelection.Largest, face!.Aligned);
        return photo.HasFaces
            ? Results.File(FaceChipPng.Encode(photo.Faces[0]), "image/png")
            : Problems.Unprocessable("No face chip", $"Model version {model.Id[..12]} finds no face in the stored image of face '{face.FaceId}': {photo.Message}.");
    }

    /// <summary>The face and its stored image bytes, or the problem to answer (bad id, no such identity or face, no image).</summary>
    private static async Task<(FaceView? Face, byte[]? Bytes, IResult? Problem)> ReadImageAsync(
        string id, string faceId, IGrainFactory grains, IFaceImageStore images, CancellationToken cancellationToken)
    {
        var (face, problem) = await FindAsync(id, faceId, grains);
        if (problem is not null)
        {
            return (null, null, problem);
        }

        var bytes = face!.HasImage ? await images.ReadAsync(face.FaceId, cancellationToken) : null;
        return bytes is null
            ? (face, null, Problems.NotFound($"Face '{face.FaceId}' of '{IdentityIds.Normalize(id)}' has no stored image (it was enrolled as an embedding)."))
            : (face, bytes, null);
    }

    private static async Task<IResult> Remove(string id, string faceId, IGrainFactory grains)
    {
        var (face, problem) = await FindAsync(id, faceId, grains);
        if (problem is not null)
        {
            return problem;
        }

        id = IdentityIds.Normalize(id);
        return await grains.GetGrain<IIdentityGrain>(id).RemoveFaceAsync(face!.FaceId)
            ? Results.NoContent()
            : Problems.NotFound($"Identity '{id}' has no face '{faceId}'; nothing was removed.");
    }

    /// <summary>The face <paramref name="faceId"/> of identity <paramref name="id"/>, or the problem to answer (bad id, no such identity or face).</summary>
    private static async Task<(FaceView? Face, IResult? Problem)> FindAsync(string id, string faceId, IGrainFactory grains)
    {
        if (IdentityIds.Problem(id) is { } idProblem)
        {
            return (null, Problems.BadRequest("Bad identity id", idProblem));
        }

        id = IdentityIds.Normalize(id);
        var view = await grains.GetGrain<IIdentityGrain>(id).GetAsync();
        if (view is null)
        {
            return (null, Problems.NotFound($"No identity '{id}' in the gallery."));
        }

        var face = view.Faces.FirstOrDefault(f => string.Equals(f.FaceId, faceId, StringComparison.Ordinal));
        return face is null ? (null, Problems.NotFound($"Identity '{id}' has no face '{faceId}'.")) : (face, null);
    }

    /// <summary>The content type of stored image bytes, from their signature (the formats the decoder accepts).</summary>
    private static string ContentTypeOf(ReadOnlySpan<byte> bytes) => bytes switch
    {
        [0x89, (byte)'P', (byte)'N', (byte)'G', ..] => "image/png",
        [0xFF, 0xD8, 0xFF, ..] => "image/jpeg",
        [(byte)'G', (byte)'I', (byte)'F', (byte)'8', ..] => "image/gif",
        [(byte)'B', (byte)'M', ..] => "image/bmp",
        [(byte)'R', (byte)'I', (byte)'F', (byte)'F', _, _, _, _, (byte)'W', (byte)'E', (byte)'B', (byte)'P', ..] => "image/webp",
        [(byte)'P', (byte)'2' or (byte)'5', ..] => "image/x-portable-graymap",
        [(byte)'P', (byte)'3' or (byte)'6', ..] => "image/x-portable-pixmap",
        _ => "application/octet-stream",
    };
}
