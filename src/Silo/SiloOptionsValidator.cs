using Microsoft.Extensions.Options;

namespace FaceGrains.Silo;

public sealed class SiloOptionsValidator : IValidateOptions<SiloOptions>
{
    public ValidateOptionsResult Validate(string? name, SiloOptions options)
    {
        var problems = new List<string>();
        if (!Enum.IsDefined(options.Profile))
        {
            problems.Add($"FaceGrains:Profile '{options.Profile}' is not one of: embedded, cluster, azure.");
        }

        foreach (var (key, port) in new[] { ("SiloPort", options.SiloPort), ("GatewayPort", options.GatewayPort) })
        {
            if (port is < 1 or > 65535)
            {
                problems.Add($"FaceGrains:{key} {port} is not a TCP port (1–65535).");
            }
        }

        if (options.SiloPort == options.GatewayPort)
        {
            problems.Add($"FaceGrains:SiloPort and FaceGrains:GatewayPort are both {options.SiloPort}; they must differ.");
        }

        if (string.IsNullOrWhiteSpace(options.ClusterId) || string.IsNullOrWhiteSpace(options.ServiceId))
        {
            problems.Add("FaceGrains:ClusterId and FaceGrains:ServiceId must not be empty.");
        }

        if (options.Profile == SiloProfile.Cluster && string.IsNullOrWhiteSpace(options.Redis))
        {
            problems.Add("FaceGrains:Redis must name the Redis server (host:port) for the cluster profile.");
        }

        if (options.Profile == SiloProfile.Azure)
        {
            try
            {
                _ = FaceGrains.Recognition.Storage.AzureStorageAccount.Parse(options.AzureStorage, options.ServiceId);
            }
            catch (ArgumentException e)
            {
                problems.Add(e.Message);
            }
        }

        if (options.AdvertisedAddress.Length > 0 && !System.Net.IPAddress.TryParse(options.AdvertisedAddress, out _))
        {
            problems.Add($"FaceGrains:AdvertisedAddress '{options.AdvertisedAddress}' is not an IP address.");
        }

        if (options.MaxRequestBytes < 1024)
        {
            problems.Add($"FaceGrains:MaxRequestBytes {options.MaxRequestBytes} is below 1 KiB.");
        }

        // Kestrel refuses to start with a request line longer than its request buffer (1 MiB).
        if (options.MaxRequestLineBytes is < 8 * 1024 or > 1024 * 1024)
        {
            problems.Add($"FaceGrains:MaxRequestLineBytes {options.MaxRequestLineBytes} is not between 8 KiB (8192) and 1 MiB (1048576).");
        }

        if (options.MaxFilesPerRequest < 1)
        {
            problems.Add($"FaceGrains:MaxFilesPerRequest {options.MaxFilesPerRequest} must be at least 1.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
