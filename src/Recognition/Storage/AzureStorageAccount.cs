using Azure;
using Azure.Core;
using Azure.Storage.Blobs;

namespace FaceGrains.Recognition.Storage;

/// <summary>
/// One Azure Storage account (or Azurite) named by a connection string, which this type keeps to itself: it is never
/// printed, logged or put into an exception message. Everything else names the account by <see cref="Endpoint"/>
/// (the blob service's address, no key). The silo's <c>azure</c> profile, its face and model stores, and the command
/// line's model store reach Azure Storage through it.
/// </summary>
public sealed class AzureStorageAccount
{
    /// <summary>Configuration key of the connection string (<c>FaceGrains__AzureStorage</c> in the environment).</summary>
    public const string ConfigurationKey = "FaceGrains:AzureStorage";

    /// <summary>The same setting as an environment variable, which the command line and the trainer read.</summary>
    public const string EnvironmentVariable = "FaceGrains__AzureStorage";

    /// <summary>The service id as an environment variable: blob containers are named after it (<see cref="ContainerName"/>).</summary>
    public const string ServiceIdEnvironmentVariable = "FaceGrains__ServiceId";

    public const string DefaultServiceId = "facegrains";

    private readonly string connectionString;
    private readonly Lazy<Azure.Data.Tables.TableServiceClient> tables;

    private AzureStorageAccount(string connectionString, BlobServiceClient blobs, string serviceId)
    {
        this.connectionString = connectionString;
        tables = new(() => new(connectionString, new Azure.Data.Tables.TableClientOptions { Retry = { NetworkTimeout = NetworkTimeout } }));
        Blobs = blobs;
        ServiceId = serviceId;
        Endpoint = blobs.Uri.GetLeftPart(UriPartial.Path).TrimEnd('/');
    }

    /// <summary>The blob service's address (scheme, host, port, account), safe to print.</summary>
    public string Endpoint { get; }

    /// <summary>Names the containers of one gallery, as the Orleans service id keys its table rows.</summary>
    public string ServiceId { get; }

    public BlobServiceClient Blobs { get; }

    /// <summary>The account's table service (Orleans clustering and grain state share the one client).</summary>
    public Azure.Data.Tables.TableServiceClient Tables => tables.Value;

    /// <summary>How long one storage request may take before the SDK gives up on it and retries.</summary>
    public static TimeSpan NetworkTimeout { get; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The account of a connection string. A string that is not one (a typo, a missing key) is refused here with a
    /// message that names what is wrong and never the string itself.
    /// </summary>
    public static AzureStorageAccount Parse(string connectionString, string serviceId = DefaultServiceId)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new ArgumentException($"{ConfigurationKey} is empty: set it to the storage account's connection string (for Azurite, see scripts/azurite.sh).");
        }

        try
        {
            var options = new BlobClientOptions { Retry = { MaxRetries = 5, Mode = RetryMode.Exponential, Delay = TimeSpan.FromMilliseconds(200), MaxDelay = TimeSpan.FromSeconds(5), NetworkTimeout = NetworkTimeout } };
            return new AzureStorageAccount(connectionString, new BlobServiceClient(connectionString, options), serviceId);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException or UriFormatException)
        {
            // The SDK's own message can quote the string; ours names the setting only.
            throw new ArgumentException($"{ConfigurationKey} is not an Azure Storage connection string ({e.GetType().Name}): it needs AccountName, AccountKey and the blob and table endpoints (or UseDevelopmentStorage=true).");
        }
    }

    /// <summary>The account named by <see cref="EnvironmentVariable"/>, or null when it is not set (the local model store alone).</summary>
    public static AzureStorageAccount? FromEnvironment()
    {
        var value = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var serviceId = Environment.GetEnvironmentVariable(ServiceIdEnvironmentVariable);
        return Parse(value, string.IsNullOrWhiteSpace(serviceId) ? DefaultServiceId : serviceId);
    }

    /// <summary>
    /// The container of one kind of data (<c>faces</c>, <c>models</c>) of this gallery: <c>&lt;service id&gt;-&lt;kind&gt;</c>
    /// in the characters a container name allows (lower-case letters, digits, single hyphens, 3–63 characters).
    /// </summary>
    public BlobContainerClient Container(string kind) => Blobs.GetBlobContainerClient(ContainerName(ServiceId, kind));

    public static string ContainerName(string serviceId, string kind)
    {
        var chars = $"{serviceId}-{kind}".ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray();
        var name = string.Join('-', new string(chars).Split('-', StringSplitOptions.RemoveEmptyEntries));
        if (name.Length > 63)
        {
            // Keep the kind readable and the prefix distinct: a hash of the whole service id stands for the cut part.
            var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(serviceId)))[..8];
            name = $"{name[..(62 - kind.Length - 9)].TrimEnd('-')}-{hash}-{kind}";
        }

        return name.Length < 3 ? name.PadRight(3, 'x') : name;
    }

    /// <summary>
    /// Reaches the account and creates the containers this gallery uses. A refusal becomes one line saying which
    /// (nothing answers at the endpoint, the key is refused, the account does not exist), never the connection string.
    /// </summary>
    public async Task CheckAsync(IEnumerable<string> containerKinds, CancellationToken cancellationToken = default)
    {
        // One quick try: a start-up check should say what is wrong within seconds, not after the SDK's retries.
        var quick = new BlobServiceClient(connectionString, new BlobClientOptions { Retry = { MaxRetries = 1, Delay = TimeSpan.FromMilliseconds(200), NetworkTimeout = TimeSpan.FromSeconds(10) } });
        var checking = Endpoint; // the service a failure is about: blob first, then table
        try
        {
            await quick.GetPropertiesAsync(cancellationToken);
            foreach (var kind in containerKinds)
            {
                await quick.GetBlobContainerClient(ContainerName(ServiceId, kind)).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            }

            // The table service has its own endpoint in the connection string.
            var tables = new Azure.Data.Tables.TableServiceClient(connectionString, new Azure.Data.Tables.TableClientOptions { Retry = { MaxRetries = 1, Delay = TimeSpan.FromMilliseconds(200), NetworkTimeout = TimeSpan.FromSeconds(10) } });
            checking = tables.Uri.GetLeftPart(UriPartial.Path).TrimEnd('/');
            await using var page = tables.QueryAsync(maxPerPage: 1, cancellationToken: cancellationToken).AsPages().GetAsyncEnumerator(cancellationToken);
            await page.MoveNextAsync();
        }
        catch (RequestFailedException e) when (e.Status is 401 or 403)
        {
            throw new AzureStorageUnavailableException($"Azure Storage at {checking} refused the account key of {ConfigurationKey} ({e.Status} {e.ErrorCode}): check AccountName and AccountKey.", e);
        }
        catch (RequestFailedException e) when (e.Status == 0 || e.InnerException is System.Net.Http.HttpRequestException)
        {
            throw new AzureStorageUnavailableException($"no Azure Storage answered at {checking} ({OneLine(e.InnerException?.Message ?? e.Message)}): start it (scripts/azurite.sh) or correct the endpoints of {ConfigurationKey}.", e);
        }
        catch (RequestFailedException e)
        {
            throw new AzureStorageUnavailableException($"Azure Storage at {checking} refused the start-up check ({e.Status} {e.ErrorCode}).", e);
        }
        catch (AggregateException e) when (e.InnerExceptions.All(x => x is RequestFailedException or System.Net.Http.HttpRequestException))
        {
            throw new AzureStorageUnavailableException($"no Azure Storage answered at {checking} ({OneLine(e.InnerExceptions[0].Message)}): start it (scripts/azurite.sh) or correct the endpoints of {ConfigurationKey}.", e);
        }
    }

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).TrimEnd('.');
}

/// <summary>Azure Storage could not be reached or refused this account; the message says which and never holds the connection string.</summary>
public sealed class AzureStorageUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
