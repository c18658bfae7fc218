using Microsoft.Extensions.Options;

namespace FaceGrains.Grains;

/// <summary>Names each problem with the gallery settings at start, instead of one generic failure.</summary>
public sealed class GalleryOptionsValidator : IValidateOptions<GalleryOptions>
{
    public ValidateOptionsResult Validate(string? name, GalleryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Problems();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
