using FaceGrains.Grains.Interfaces;
using Microsoft.AspNetCore.Http.Features;

namespace FaceGrains.Silo.Api;

/// <summary>Reads the image parts of a multipart request, answering a problem instead when the request itself is unusable.</summary>
public static class UploadedImages
{
    public sealed record Upload(IFormCollection Form, IReadOnlyList<FaceImage> Images);

    public static async Task<(Upload? Upload, IResult? Problem)> ReadAsync(HttpRequest request, SiloOptions options, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType || request.ContentType?.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase) != true)
        {
            return (null, Problems.UnsupportedMediaType(
                $"Send images as multipart/form-data, one file part per image (got '{request.ContentType ?? "no content type"}')."));
        }

        // The form reader takes an empty body for an empty form; it is not multipart/form-data at all (that has at least a closing boundary).
        if (request.ContentLength == 0)
        {
            return (null, Problems.BadRequest("Malformed multipart body", "The multipart/form-data body is empty; send one file part per image."));
        }

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(cancellationToken);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, Problems.TooLarge(options.MaxRequestBytes));
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel: the client sent less than its Content-Length, or broken chunked framing.
            return (null, Problems.BadRequest("Malformed request body", $"The request body could not be read: {e.Message}"));
        }
        catch (InvalidDataException e) when (e.Message.StartsWith("Multipart body length limit", StringComparison.Ordinal))
        {
            return (null, Problems.TooLarge(options.MaxRequestBytes));
        }
        catch (InvalidDataException e) when (e.Message.StartsWith("Form value count limit", StringComparison.Ordinal))
        {
            // FormOptions.ValueCountLimit counts every part, files and fields; it stops a flood of tiny parts before they are buffered.
            return (null, TooManyFiles($"More than {FormValueCountLimit(options)} parts in one request", options));
        }
        catch (InvalidDataException e)
        {
            // Missing boundary, a header line or section that breaks the multipart grammar, an over-long part header…
            return (null, Problems.BadRequest("Malformed multipart body", $"The multipart/form-data body is malformed: {e.Message}"));
        }
        catch (IOException e)
        {
            // The multipart reader ran out of body before the closing boundary ("Unexpected end of Stream…").
            return (null, Problems.BadRequest("Malformed multipart body",
                $"The multipart/form-data body ended before its closing boundary: it is empty, cut off, or not delimited by the boundary its Content-Type names ({e.Message})"));
        }

        if (form.Files.Count > options.MaxFilesPerRequest)
        {
            return (null, TooManyFiles($"{form.Files.Count} files in one request", options));
        }

        var images = new List<FaceImage>(form.Files.Count);
        foreach (var file in form.Files)
        {
            using var buffer = new MemoryStream((int)Math.Min(file.Length, int.MaxValue));
            await file.CopyToAsync(buffer, cancellationToken);
            images.Add(new FaceImage(buffer.ToArray(), string.IsNullOrEmpty(file.FileName) ? file.Name : file.FileName));
        }

        return (new Upload(form, images), null);
    }

    /// <summary>Parts the form reader accepts in one request: the files allowed, and room for a few plain fields beside them.</summary>
    public static int FormValueCountLimit(SiloOptions options) => options.MaxFilesPerRequest + 16;

    private static IResult TooManyFiles(string what, SiloOptions options) =>
        Problems.BadRequest("Too many files", $"{what}; at most {options.MaxFilesPerRequest} files (FaceGrains:MaxFilesPerRequest).");

    /// <summary>The file parts whose form field is <paramref name="name"/>.</summary>
    public static IReadOnlyList<FaceImage> Named(this Upload upload, string name) =>
        upload.Form.Files.Select((f, i) => (f, i)).Where(x => string.Equals(x.f.Name, name, StringComparison.OrdinalIgnoreCase)).Select(x => upload.Images[x.i]).ToList();
}
