namespace FaceGrains.Web.Tests;

/// <summary>
/// The browser the page tests drive: Debian's chromium (FACEGRAINS_TEST_CHROMIUM, default /usr/bin/chromium), launched
/// by path because Playwright cannot download its own browsers here.
/// </summary>
public static class Chromium
{
    public static string ExecutablePath { get; } =
        Environment.GetEnvironmentVariable("FACEGRAINS_TEST_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    /// <summary>Why the browser tests cannot run here, or null when they can.</summary>
    public static string? Missing => File.Exists(ExecutablePath)
        ? null
        : $"needs chromium at {ExecutablePath} (apt-get install chromium, or set FACEGRAINS_TEST_CHROMIUM)";
}
