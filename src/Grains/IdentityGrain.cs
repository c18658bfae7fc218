using System.Diagnostics;
using System.Numerics.Tensors;
using FaceGrains.Grains.Interfaces;
using FaceGrains.Recognition.Similarity;
using Microsoft.Extensions.Options;

namespace FaceGrains.Grains;

/// <summary>
/// One known person. Not reentrant, on purpose: every change is a read-modify-write of the face list, so concurrent
/// enrolments to one identity queue behind each other instead of losing faces (only centroid reads interleave).
/// Faces are embedded under every live model version (the active one, a candidate being migrated to, the previous
/// one kept for rollback), so each version's shards stay complete.
/// </summary>
public sealed class IdentityGrain(
    [PersistentState("identity", GalleryStorage.ProviderName)] IPersistentState<IdentityState> state,
    ModelCatalog catalog,
    ModelRegistryCache registry,
    IFaceImageStore faceImages,
    GalleryMetrics metrics,
    IOptions<GalleryOptions> options) : Grain, IIdentityGrain
{
    private readonly GalleryOptions options = options.Value;

    private string Id => this.GetPrimaryKeyString();

    private IdentityState State => state.State;

    public Task<EnrollmentResult> EnrollAsync(EnrollRequest request) => MeasuredAsync(() => EnrollPhotosAsync(request));

    public Task<EnrollmentResult> EnrollEmbeddingsAsync(EmbeddingEnrollRequest request) => MeasuredAsync(() => EnrollVectorsAsync(request));

    private async Task<EnrollmentResult> EnrollPhotosAsync(EnrollRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Images);
        RequireUsableId();
        var images = request.Images;
        var outcomes = new FaceOutcome?[images.Count];
        var enrolled = State.Faces.Select(f => f.FaceId).ToHashSet(StringComparer.Ordinal);
        var inRequest = new HashSet<string>(StringComparer.Ordinal);
        var toEmbed = new List<int>();
        for (var i = 0; i < images.Count; i++)
        {
            var bytes = images[i]?.Bytes ?? [];
            var name = images[i]?.FileName;
            if (bytes.Length == 0)
            {
                outcomes[i] = new FaceOutcome(i, name, null, FaceStatus.Empty, "The image is empty (no bytes).");
                continue;
            }

            var faceId = PreparedImages.FaceIdOf(bytes);
            if (enrolled.Contains(faceId))
            {
                outcomes[i] = new FaceOutcome(i, name, faceId, FaceStatus.Duplicate, "This image is already enrolled under this identity; nothing changed.");
            }
            else if (!inRequest.Add(faceId))
            {
                outcomes[i] = new FaceOutcome(i, name, faceId, FaceStatus.Duplicate, "The same image appears earlier in this request; enrolled once.");
            }
            else
            {
                toEmbed.Add(i);
            }
        }

        var accepted = new List<FaceRecord>();
        var acceptedImages = new List<FaceImage>();
        var live = (await registry.CurrentAsync()).LiveVersions;
        if (live.Count == 0)
        {
            throw new InvalidOperationException("The cluster has no active model version yet: the first silo registers one as it starts.");
        }

        if (toEmbed.Count > 0)
        {
            var embedded = await Embedder.EmbedAsync(toEmbed.Select(i => images[i]).ToList(), FacePurpose.Enrol, request.Aligned, live[0]);
            var usable = new List<(int Index, EmbeddedPhoto Photo)>();
            for (var k = 0; k < toEmbed.Count; k++)
            {
                var (i, photo) = (toEmbed[k], embedded.Photos[k]);
                var others = photo.OtherFaces.Count > 0 ? photo.OtherFaces : null;
                if (photo.Rejection is { } rejection)
                {
                    outcomes[i] = new FaceOutcome(i, images[i].FileName, photo.FaceId, rejection.Status, rejection.Message, OtherFaces: others);
                }
                else if (photo.Faces[0].EnrolmentProblems is { Count: > 0 } problems)
                {
                    outcomes[i] = new FaceOutcome(i, images[i].FileName, photo.FaceId, problems[0].Status,
                        "Not enrolled: " + string.Join("; ", problems.Select(p => p.Message)) + ".", Face: photo.Faces[0].Location, OtherFaces: others);
                }
                else
                {
                    usable.Add((i, photo));
                }
            }

            // The face index decides which identity owns a face; a claim that names someone else is a conflict.
            var owners = await Task.WhenAll(usable.Select(u => GrainFactory.GetGrain<IFaceIndexGrain>(u.Photo.FaceId).ClaimAsync(Id)));
            for (var k = 0; k < usable.Count; k++)
            {
                var (i, photo) = usable[k];
                var image = images[i];
                var face = photo.Faces[0];
                var others = photo.OtherFaces.Count > 0 ? photo.OtherFaces : null;
                if (owners[k] != Id)
                {
                    outcomes[i] = new FaceOutcome(i, image.FileName, photo.FaceId, FaceStatus.ConflictsWithOtherIdentity, $"This image is already enrolled under identity '{owners[k]}'.", owners[k], face.Location, others);
                    continue;
                }

                var reference = await faceImages.SaveAsync(photo.FaceId, image.Bytes);
                accepted.Add(new FaceRecord
                {
                    FaceId = photo.FaceId,
                    ImageReference = reference,
                    FileName = image.FileName,
                    SizeBytes = image.Bytes.Length,
                    Width = photo.Width,
                    Height = photo.Height,
                    EnrolledUtc = DateTimeOffset.UtcNow,
                    Embeddings = new() { [embedded.ModelVersion] = face.Embedding },
                    Location = face.Location,
                    Aligned = request.Aligned,
                });
                acceptedImages.Add(image);
                var box = face.Location.Box;
                var what = request.Aligned
                    ? $"Enrolled ({photo.Width}×{photo.Height} face chip, declared aligned)."
                    : $"Enrolled the largest face ({box.Width:F0}×{box.Height:F0} px at {box.X:F0},{box.Y:F0} in {photo.Width}×{photo.Height})"
                        + (others is null ? "." : $"; the photo holds {others.Count} more face(s), not enrolled.");
                outcomes[i] = new FaceOutcome(i, image.FileName, photo.FaceId, FaceStatus.Accepted, what, null, face.Location, others,
                    others is null ? null : [FaceOutcome.SeveralFacesWarning]);
            }
        }

        // The other live versions (a candidate being migrated to, the previous one): the same accepted faces, their own recipe.
        foreach (var version in live.Skip(1))
        {
            if (accepted.Count == 0)
            {
                break;
            }

            var others = await Embedder.EmbedAsync(acceptedImages, FacePurpose.Enrol, request.Aligned, version);
            for (var k = 0; k < accepted.Count; k++)
            {
                if (others.Photos[k].Faces.FirstOrDefault() is { } face)
                {
                    accepted[k].Embeddings[others.ModelVersion] = face.Embedding;
                }
            }
        }

        return await CommitAsync(accepted, request.DisplayName, request.Metadata, [.. outcomes.Select(o => o!)]);
    }

    private async Task<EnrollmentResult> EnrollVectorsAsync(EmbeddingEnrollRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Faces);
        RequireUsableId();
        var active = await registry.ActiveAsync();
        if (!string.IsNullOrEmpty(request.ModelVersion) && request.ModelVersion != active)
        {
            throw new ArgumentException($"Embeddings of model version {request.ModelVersion} cannot be enrolled: the active version is {active}.", nameof(request));
        }

        var model = await catalog.GetAsync(active);

        var enrolled = State.Faces.Select(f => f.FaceId).ToHashSet(StringComparer.Ordinal);
        var outcomes = new List<FaceOutcome>();
        var accepted = new List<FaceRecord>();
        for (var i = 0; i < request.Faces.Count; i++)
        {
            var face = request.Faces[i];
            if (face is null || string.IsNullOrWhiteSpace(face.FaceId) || face.Embedding is null || face.Embedding.Length != model.Dimension
                || !face.Embedding.All(float.IsFinite) || TensorPrimitives.Norm<float>(face.Embedding) == 0)
            {
                outcomes.Add(new FaceOutcome(i, null, face?.FaceId, FaceStatus.InvalidEmbedding, $"Needs a face id and {model.Dimension} finite values, not all zero."));
                continue;
            }

            if (!enrolled.Add(face.FaceId))
            {
                outcomes.Add(new FaceOutcome(i, null, face.FaceId, FaceStatus.Duplicate, "This face id is already enrolled under this identity; nothing changed."));
                continue;
            }

            var embedding = face.Embedding.ToArray();
            VectorMath.L2Normalize(embedding);
            accepted.Add(new FaceRecord { FaceId = face.FaceId, EnrolledUtc = DateTimeOffset.UtcNow, Embeddings = new() { [model.Id] = embedding } });
            outcomes.Add(new FaceOutcome(i, null, face.FaceId, FaceStatus.Accepted, "Enrolled (embedding)."));
        }

        return await CommitAsync(accepted, request.DisplayName, request.Metadata, outcomes);
    }

    /// <summary>An enrolment timed for the metrics, by whether it enrolled a face.</summary>
    private async Task<EnrollmentResult> MeasuredAsync(Func<Task<EnrollmentResult>> enrol)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            var result = await enrol();
            metrics.Enrolled(clock.Elapsed, result.AcceptedCount, failed: false);
            return result;
        }
        catch
        {
            metrics.Enrolled(clock.Elapsed, 0, failed: true);
            throw;
        }
    }

    public Task<IdentityView?> GetAsync() => Task.FromResult(State.Exists ? View() : null);

    public async Task<ReembedResult> ReembedAsync(string modelVersion)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelVersion);
        if (!State.Exists)
        {
            return new ReembedResult(false, 0, 0, null);
        }

        var missing = State.Faces.Where(f => !f.Embeddings.ContainsKey(modelVersion)).ToList();
        var covered = State.Faces.Count - missing.Count;
        var failures = new List<string>();
        var embedded = 0;
        foreach (var group in missing.Where(f => f.ImageReference is not null).GroupBy(f => f.Aligned))
        {
            var faces = new List<FaceRecord>();
            var images = new List<FaceImage>();
            foreach (var face in group)
            {
                if (await faceImages.ReadAsync(face.FaceId) is { } bytes)
                {
                    faces.Add(face);
                    images.Add(new FaceImage(bytes, face.FileName));
                }
                else
                {
                    failures.Add($"face {Short(face.FaceId)}: its stored image is missing");
                }
            }

            if (images.Count == 0)
            {
                continue;
            }

            // As it was enrolled: the largest face of the photo, or the chip again as a chip. The gate accepted it once.
            var result = await Embedder.EmbedAsync(images, FacePurpose.Enrol, group.Key, modelVersion);
            for (var k = 0; k < faces.Count; k++)
            {
                if (result.Photos[k].Faces.FirstOrDefault() is { } face)
                {
                    faces[k].Embeddings[modelVersion] = face.Embedding;
                    embedded++;
                }
                else
                {
                    failures.Add($"face {Short(faces[k].FaceId)}: {result.Photos[k].Rejection?.Message ?? "no face under the new recipe"}");
                }
            }
        }

        failures.AddRange(missing.Where(f => f.ImageReference is null).Select(f => $"face {f.FaceId}: enrolled as an embedding, no image kept to embed again"));
        if (embedded > 0)
        {
            var before = State.Centroids.Keys.ToList();
            RecomputeCentroids();
            await state.WriteStateAsync();
            await PublishAsync(before);
        }
        else if (State.Centroids.ContainsKey(modelVersion))
        {
            // Covered already (a resumed migration): make sure the shard heard of it; the push is idempotent.
            await PublishAsync(State.Centroids.Keys.ToList());
        }

        return new ReembedResult(true, embedded, covered, failures.Count == 0 ? null : string.Join("; ", failures));
    }

    public async Task<IReadOnlyList<StoredFace>> ExportFacesAsync()
    {
        var faces = new List<StoredFace>();
        foreach (var face in State.Faces)
        {
            var bytes = face.ImageReference is null ? null : await faceImages.ReadAsync(face.FaceId);
            faces.Add(new StoredFace(face.FaceId, face.FileName, face.Aligned, bytes));
        }

        return faces;
    }

    public async Task DropVersionAsync(string modelVersion)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelVersion);
        var dropped = false;
        foreach (var face in State.Faces)
        {
            dropped |= face.Embeddings.Remove(modelVersion);
        }

        dropped |= State.Centroids.Remove(modelVersion);
        if (dropped && State.Exists)
        {
            await state.WriteStateAsync();
        }

        await Shard(modelVersion).RemoveAsync(Id);
    }

    public async Task<IdentityView?> RenameAsync(string displayName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(displayName);
        if (!State.Exists)
        {
            return null;
        }

        if (State.DisplayName != displayName)
        {
            State.DisplayName = displayName;
            State.UpdatedUtc = DateTimeOffset.UtcNow;
            await state.WriteStateAsync();
            await Directory().UpsertAsync(Summary());
        }

        return View();
    }

    public async Task<bool> RemoveFaceAsync(string faceId)
    {
        var face = State.Faces.Find(f => f.FaceId == faceId);
        if (face is null)
        {
            return false;
        }

        var before = State.Centroids.Keys.ToList();
        State.Faces.Remove(face);
        RecomputeCentroids();
        State.UpdatedUtc = DateTimeOffset.UtcNow;
        await state.WriteStateAsync();
        await PublishAsync(before);
        await DeleteImageAsync(face);
        return true;
    }

    public async Task<bool> ForgetAsync()
    {
        if (!State.Exists)
        {
            return false;
        }

        // Searchable traces first, so a crash part-way leaves an identity that can be forgotten again, never a hidden one.
        await Task.WhenAll(State.Centroids.Keys.Select(version => Shard(version).RemoveAsync(Id)));
        await Directory().RemoveAsync(Id);
        foreach (var face in State.Faces)
        {
            await DeleteImageAsync(face);
        }

        await state.ClearStateAsync();
        state.State = new IdentityState();
        DeactivateOnIdle();
        return true;
    }

    public Task<IdentityCentroid?> GetCentroidAsync(string modelVersion) =>
        Task.FromResult(State.Centroids.ContainsKey(modelVersion) ? Entry(modelVersion, withFaces: true) : null);

    /// <summary>
    /// The front doors normalise ids (<see cref="IdentityIds"/>); a caller that reaches the grain directly with an id they
    /// would refuse, or one not in NFC, must not create a second identity for the same person.
    /// </summary>
    private void RequireUsableId()
    {
        if (IdentityIds.Problem(Id) is { } problem)
        {
            throw new ArgumentException(problem);
        }

        if (IdentityIds.Normalize(Id) != Id)
        {
            throw new ArgumentException($"The identity id '{Id}' is not in Unicode NFC; enrol it as '{IdentityIds.Normalize(Id)}'.");
        }
    }

    private async Task<EnrollmentResult> CommitAsync(List<FaceRecord> accepted, string? displayName, IReadOnlyDictionary<string, string>? metadata, IReadOnlyList<FaceOutcome> outcomes)
    {
        if (!State.Exists && accepted.Count == 0)
        {
            // An identity exists from its first accepted face: a request that enrols nothing creates nothing.
            return new EnrollmentResult(Id, outcomes, null);
        }

        var now = DateTimeOffset.UtcNow;
        var changed = accepted.Count > 0;
        if (!State.Exists)
        {
            State.CreatedUtc = now;
            State.DisplayName = Id;
        }

        if (!string.IsNullOrWhiteSpace(displayName) && displayName != State.DisplayName)
        {
            State.DisplayName = displayName;
            changed = true;
        }

        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
        {
            if (!State.Metadata.TryGetValue(key, out var old) || old != value)
            {
                State.Metadata[key] = value;
                changed = true;
            }
        }

        if (changed)
        {
            var before = State.Centroids.Keys.ToList();
            State.Faces.AddRange(accepted);
            RecomputeCentroids();
            State.UpdatedUtc = now;
            await state.WriteStateAsync();
            await PublishAsync(before);
        }
        else if (outcomes.Any(o => o.Status == FaceStatus.Duplicate))
        {
            // A retry of an enrolment whose answer was lost: publish again, in case the first attempt stored the faces
            // but failed before its shard heard of them. Both pushes are idempotent.
            await PublishAsync(State.Centroids.Keys.ToList());
        }

        return new EnrollmentResult(Id, outcomes, View());
    }

    /// <summary>Centroid per model version (<see cref="VectorMath.Centroid"/>) of the faces embedded under it, in enrolment order (as the offline protocol computes it).</summary>
    private void RecomputeCentroids()
    {
        State.Centroids.Clear();
        foreach (var version in State.Faces.SelectMany(f => f.Embeddings.Keys).Distinct(StringComparer.Ordinal).ToList())
        {
            var embeddings = State.Faces.Where(f => f.Embeddings.ContainsKey(version)).Select(f => f.Embeddings[version]).ToList();
            State.Centroids[version] = VectorMath.Centroid(embeddings, embeddings[0].Length);
        }
    }

    /// <summary>
    /// Pushes the centroids to their shards (removing the identity from versions it no longer has, and never pushing to a
    /// retired version) and the summary to the directory.
    /// </summary>
    private async Task PublishAsync(IReadOnlyList<string> versionsBefore)
    {
        await Directory().UpsertAsync(Summary());
        var retired = (await registry.CurrentAsync()).RetiredVersions ?? [];
        var pushes = State.Centroids.Keys.Where(version => !retired.Contains(version)).Select(version => Shard(version).UpsertAsync(Entry(version, options.StoreAllFaceEmbeddings)))
            .Concat(versionsBefore.Where(v => !State.Centroids.ContainsKey(v)).Select(version => Shard(version).RemoveAsync(Id)));
        await Task.WhenAll(pushes);
    }

    private async Task DeleteImageAsync(FaceRecord face)
    {
        if (face.ImageReference is null)
        {
            return;
        }

        await GrainFactory.GetGrain<IFaceIndexGrain>(face.FaceId).ReleaseAsync(Id);
        await faceImages.DeleteAsync(face.FaceId);
    }

    private IdentityCentroid Entry(string version, bool withFaces)
    {
        var faces = State.Faces.Where(f => f.Embeddings.ContainsKey(version)).ToList();
        var matrix = withFaces ? faces.SelectMany(f => f.Embeddings[version]).ToArray() : [];
        return new IdentityCentroid(Id, version, State.Centroids[version], matrix, faces.Count, State.UpdatedUtc);
    }

    private IEmbedderGrain Embedder => GrainFactory.GetGrain<IEmbedderGrain>(0);

    private static string Short(string faceId) => faceId.Length > 12 ? faceId[..12] : faceId;

    private IGalleryShardGrain Shard(string version) =>
        GrainFactory.GetGrain<IGalleryShardGrain>(GalleryPartitioning.ShardKey(version, GalleryPartitioning.ShardOf(Id, options.ShardCount)));

    private IIdentityDirectoryGrain Directory() => GrainFactory.GetGrain<IIdentityDirectoryGrain>(GalleryPartitioning.DirectoryPartitionOf(Id));

    private IdentitySummary Summary() => new(Id, State.DisplayName, State.Faces.Count, State.UpdatedUtc);

    private IdentityView View() => new(
        Id,
        State.DisplayName,
        new Dictionary<string, string>(State.Metadata),
        State.Faces.Select(f => new FaceView(f.FaceId, f.FileName, f.SizeBytes, f.Width, f.Height, f.ImageReference is not null, f.EnrolledUtc, f.Embeddings.Keys.ToList(), f.Aligned)).ToList(),
        State.Centroids.Keys.ToList(),
        State.CreatedUtc,
        State.UpdatedUtc);
}
