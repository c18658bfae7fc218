using System.Net.Http.Headers;

namespace FaceGrains.Silo.Tests.Api;

/// <summary>Builds multipart request bodies the way a browser or curl -F would.</summary>
public static class Multipart
{
    public static MultipartFormDataContent Files(params (string Field, string FileName, byte[] Bytes)[] files)
    {
        var content = new MultipartFormDataContent();
        foreach (var (field, name, bytes) in files)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            content.Add(part, field, name);
        }

        return content;
    }

    public static MultipartFormDataContent With(this MultipartFormDataContent content, string field, string value)
    {
        content.Add(new StringContent(value), field);
        return content;
    }
}
