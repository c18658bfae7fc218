using Microsoft.AspNetCore.Diagnostics;

namespace FaceGrains.Silo.Api;

/// <summary>
/// Errors that reach the API from the grains: an argument the grains refuse is the caller's mistake (400);
/// a silo or storage that is unavailable is worth retrying (503). Everything else stays a 500 with its log.
/// </summary>
public sealed class GalleryExceptionHandler(IProblemDetailsService problems, ILogger<GalleryExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title) = exception switch
        {
            ArgumentException => (StatusCodes.Status400BadRequest, "Bad request"),
            TimeoutException or OrleansException or Orleans.Runtime.SiloUnavailableException => (StatusCodes.Status503ServiceUnavailable, "Gallery unavailable, retry"),
            _ => (0, ""),
        };
        if (status == 0)
        {
            return false;
        }

        logger.LogWarning(exception, "Answered {Status} to {Method} {Path}", status, context.Request.Method, context.Request.Path);
        context.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = exception.Message },
        });
    }
}
