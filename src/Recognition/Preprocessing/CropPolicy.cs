using System.Text.Json.Serialization;

namespace FaceGrains.Recognition.Preprocessing;

/// <summary>
/// Which square region of an image holds the face, relative to the image size, so one policy
/// serves every resolution of a source. <see cref="Side"/> is a fraction of the shorter image side;
/// <see cref="CenterX"/> and <see cref="CenterY"/> are fractions of width and height.
/// A side of 1 with centre (0.5, 0.5) is the largest centred square.
/// <see cref="Fit"/> instead takes the whole image, padded with black to a centred square
/// (face-api.js's framing for face chips).
/// </summary>
public sealed record CropPolicy
{
    public static readonly CropPolicy Full = new() { Side = 1.0, CenterX = 0.5, CenterY = 0.5 };

    public static readonly CropPolicy FitWhole = new() { Fit = true };

    /// <summary>When true, the square is the whole image padded to its longer side; Side and centre are ignored.</summary>
    [JsonPropertyName("fit")]
    public bool Fit { get; init; }

    [JsonPropertyName("side")]
    public double Side { get; init; } = 1.0;

    [JsonPropertyName("center_x")]
    public double CenterX { get; init; } = 0.5;

    [JsonPropertyName("center_y")]
    public double CenterY { get; init; } = 0.5;

    /// <summary>Parses "side,cx,cy" (e.g. "0.5,0.5,0.55"), "full" or "fit".</summary>
    public static CropPolicy Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Equals("full", StringComparison.OrdinalIgnoreCase))
        {
            return Full;
        }

        if (text.Equals("fit", StringComparison.OrdinalIgnoreCase))
        {
            return FitWhole;
        }

        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length is < 1 or > 3)
        {
            throw new FormatException($"Crop '{text}' must be 'full', 'fit' or 'side[,center_x[,center_y]]' as fractions, e.g. 0.5,0.5,0.55.");
        }

        var values = new double[] { 1.0, 0.5, 0.5 };
        for (var i = 0; i < parts.Length; i++)
        {
            if (!double.TryParse(parts[i], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out values[i]))
            {
                throw new FormatException($"Crop '{text}': '{parts[i]}' is not a number.");
            }
        }

        var policy = new CropPolicy { Side = values[0], CenterX = values[1], CenterY = values[2] };
        policy.Validate();
        return policy;
    }

    public void Validate()
    {
        if (!(Side > 0 && Side <= 4))
        {
            throw new ArgumentOutOfRangeException(nameof(Side), Side, "Crop side must be in (0, 4] (fraction of the shorter image side).");
        }

        if (!(CenterX >= 0 && CenterX <= 1 && CenterY >= 0 && CenterY <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(CenterX), $"Crop centre ({CenterX}, {CenterY}) must lie inside the image (fractions in [0, 1]).");
        }
    }

    /// <summary>"fit", or "side,cx,cy" in the shortest form that <see cref="Parse"/> reads back exactly, so a reported crop reproduces its run.</summary>
    public override string ToString() => Fit ? "fit" :
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Side},{CenterX},{CenterY}");
}
