namespace FaceGrains.Silo.Api;

/// <summary>What the API accepts as an identity id: 1–128 characters, none of them control characters.</summary>
public static class IdentityIds
{
    public const int MaxLength = 128;

    public static string? Problem(string? id) => id switch
    {
        null or "" => "The identity id is empty.",
        { Length: > MaxLength } => $"The identity id is {id.Length} characters long; at most {MaxLength}.",
        _ when string.IsNullOrWhiteSpace(id) => "The identity id is blank.",
        _ when id.Any(char.IsControl) => "The identity id contains control characters.",
        _ => null,
    };
}
