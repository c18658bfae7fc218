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

        foreach (var (id, key) in options.ApiKeys)
        {
            if (id.Length is 0 or > 64 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                problems.Add($"FaceGrains:ApiKeys:{id} is not a key id (1–64 letters, digits, '-', '_' or '.').");
            }

            if (key.Role is not (Security.ApiRoles.Admin or Security.ApiRoles.Reader))
            {
                problems.Add($"FaceGrains:ApiKeys:{id}:Role '{key.Role}' is not admin or reader.");
            }

            if (!FaceGrains.Grains.Interfaces.ApiKeyHash.IsHash(key.Sha256))
            {
                problems.Add($"FaceGrains:ApiKeys:{id}:Sha256 must be the key's SHA-256 as 64 hex digits (facegrains keys new prints it), not the key itself.");
            }
        }

        var duplicates = options.ApiKeys.GroupBy(k => k.Value.Sha256.ToLowerInvariant()).Where(g => g.Count() > 1).Select(g => string.Join(" and ", g.Select(k => k.Key)));
        foreach (var ids in duplicates)
        {
            problems.Add($"FaceGrains:ApiKeys {ids} have the same Sha256: each key id needs its own key.");
        }

        if (options.RateLimit.PermitsPerSecond < 0 || options.RateLimit.Burst < 1)
        {
            problems.Add($"FaceGrains:RateLimit needs PermitsPerSecond ≥ 0 (0: off) and Burst ≥ 1 (got {options.RateLimit.PermitsPerSecond} and {options.RateLimit.Burst}).");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
