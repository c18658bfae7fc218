namespace FaceGrains.Silo.Security;

/// <summary>
/// The two roles an API key has, and the authorization policies of the same names. Routes say what they need:
/// <c>.RequireAuthorization(ApiRoles.Admin)</c> for changes (enrol, remove a face, forget, models),
/// <c>.RequireAuthorization(ApiRoles.Reader)</c> for reads and searches (identify, verify, list); an admin key may do
/// both. A request carries its key in the <see cref="KeyHeader"/> header (or <c>Authorization: Bearer</c>).
/// </summary>
public static class ApiRoles
{
    public const string Admin = "admin";

    public const string Reader = "reader";

    /// <summary>The header that carries an API key.</summary>
    public const string KeyHeader = "X-API-Key";
}
