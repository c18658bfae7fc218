using FaceGrains.Grains.Interfaces;

namespace FaceGrains.ClientCli.Commands;

/// <summary>An identity id typed on the command line: the REST API's rule (<see cref="IdentityIds"/>), checked before connecting.</summary>
public static class IdentityArgument
{
    /// <summary>The id as the gallery keys it (NFC); a user error (exit 2, <c>error: …</c>) saying why when it cannot be one.</summary>
    public static string Normalize(string id, string? context = null) =>
        IdentityIds.Problem(id) is { } problem
            ? throw new FormatException(context is null ? problem : $"{context}: {problem}")
            : IdentityIds.Normalize(id);
}
