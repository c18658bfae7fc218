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

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(cancellationToken);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, Problems.TooLarge(options.MaxRequestBytes));
        }
        catch (InvalidDataException e) when (e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase))
        {
            return (null, Problems.TooLarge(options.MaxRequestBytes));
        }
        catch (InvalidDataException e)
        {
            return (null, Problems.BadRequest("Malformed multipart body", e.Message));
        }

        if (form.Files.Count > options.MaxFilesPerRequest)
        {
            return (null, Problems.BadRequest("Too many files", $"{form.Files.Count} files in one request; at most {options.MaxFilesPerRequest} (FaceGrains:MaxFilesPerRequest)."));
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

    /// <summary>The file parts whose form field is <paramref name="name"/>.</summary>
    public static IReadOnlyList<FaceImage> Named(this Upload upload, string name) =>
        upload.Form.Files.Select((f, i) => (f, i)).Where(x => string.Equals(x.f.Name, name, StringComparison.OrdinalIgnoreCase)).Select(x => upload.Images[x.i]).ToList();
}
