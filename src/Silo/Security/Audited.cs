using FaceGrains.Grains.Interfaces;

namespace FaceGrains.Silo.Security;

/// <summary>
/// Records a route's call in the audit log once its answer has gone out (with the status the client got, also when the
/// exception handler made it): <c>.AddEndpointFilter(new Audited("forget", "id"))</c> names the action and the route
/// values that say what it acted on.
/// </summary>
public sealed class Audited(string action, params string[] targetRouteValues) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        string? detail = null;
        // Everything but the status and detail is read now: the exception handler may replace parts of the context.
        var log = http.RequestServices.GetRequiredService<AuditLog>();
        var keyId = http.User.Identity?.Name ?? "?";
        var target = string.Join("/", targetRouteValues.Select(v => http.Request.RouteValues[v]?.ToString() ?? ""));
        var remote = http.Connection.RemoteIpAddress?.ToString();
        var response = http.Response;
        response.OnCompleted(() =>
        {
            log.Write(new AuditLog.Entry(DateTimeOffset.UtcNow, keyId, action, target, response.StatusCode, remote, detail));
            return Task.CompletedTask;
        });
        var result = await next(context);
        if (result is IValueHttpResult { Value: EnrollmentResult enrolled })
        {
            detail = $"{enrolled.AcceptedCount} accepted, {enrolled.Faces.Count(f => f.Status == FaceStatus.Duplicate)} duplicate, {enrolled.RejectedCount} refused";
        }

        return result;
    }
}
