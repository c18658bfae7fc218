namespace FaceGrains.Silo.Api;

/// <summary>The API's 4xx answers: RFC 9457 problem details with a title, a sentence for people and, where useful, the per-item results.</summary>
public static class Problems
{
    public static IResult BadRequest(string title, string detail, IDictionary<string, object?>? extensions = null) =>
        Results.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: title, extensions: extensions);

    public static IResult NotFound(string detail) =>
        Results.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static IResult Conflict(string detail, IDictionary<string, object?>? extensions = null) =>
        Results.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict", extensions: extensions);

    public static IResult TooLarge(long limit) =>
        Results.Problem($"The request is larger than {limit} bytes (FaceGrains:MaxRequestBytes).", statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request too large");

    public static IResult UnsupportedMediaType(string detail) =>
        Results.Problem(detail, statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type");

    public static IResult Unprocessable(string title, string detail, IDictionary<string, object?>? extensions = null) =>
        Results.Problem(detail, statusCode: StatusCodes.Status422UnprocessableEntity, title: title, extensions: extensions);
}
