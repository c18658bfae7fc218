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

            // Blob storage (azure profile: face images, model files) failing after the SDK's retries.
            Azure.RequestFailedException or AggregateException { InnerException: Azure.RequestFailedException } => (StatusCodes.Status503ServiceUnavailable, "Storage unavailable, retry"),
            _ => (0, ""),
        };
        if (status == 0)
        {
            return false;
        }

        logger.LogWarning(exception, "Answered {Status} to {Method} {Path}", status, context.Request.Method, context.Request.Path);
        context.Response.StatusCode = status;
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            context.Response.Headers.RetryAfter = "1";
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = Describe(exception) },
        });
    }

    /// <summary>
    /// One line for the client: the message's first line, and the root cause when it says more (a storage provider's
    /// error nests the storage SDK's retries and the socket error several levels down; the log keeps all of it).
    /// </summary>
    private static string Describe(Exception exception)
    {
        var first = exception.Message.Split('\n', 2)[0].Trim();
        var root = exception.GetBaseException() is var b && b is AggregateException { InnerExceptions.Count: > 0 } aggregate ? aggregate.InnerExceptions[^1].GetBaseException() : exception.GetBaseException();
        var cause = root.Message.Split('\n', 2)[0].Trim();
        return ReferenceEquals(root, exception) || first.Contains(cause, StringComparison.Ordinal) ? first : $"{first.TrimEnd('.')}: {cause}";
    }
}
