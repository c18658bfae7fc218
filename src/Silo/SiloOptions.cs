using FaceGrains.Silo.Security;
using Microsoft.Extensions.Options;

namespace FaceGrains.Silo;

/// <summary>Settings under the "FaceGrains" configuration section (appsettings.json, FaceGrains__X env vars, --FaceGrains:X=…).</summary>
public sealed class SiloOptions
{
    public const string Section = "FaceGrains";

    /// <summary>Data directory: model store, caches, stored face images and (embedded) the grain state file. Empty: $FACEGRAINS_HOME, else ~/.facegrains. Cluster: every silo points at the same directory. Azure: each silo's own, a cache.</summary>
    public string Home { get; set; } = "";

    /// <summary>Import the default face-api model on start when the model store has none.</summary>
    public bool ImportDefaultModel { get; set; } = true;

    public SiloProfile Profile { get; set; } = SiloProfile.Embedded;

    /// <summary>Silo-to-silo port. Distinct per silo process on one machine.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port Orleans clients (the facegrains CLI) connect to. Distinct per silo process on one machine.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>Orleans cluster id; silos and clients must agree.</summary>
    public string ClusterId { get; set; } = "facegrains";

    /// <summary>Orleans service id: keys the grain state, so it must stay the same across deployments.</summary>
    public string ServiceId { get; set; } = "facegrains";

    /// <summary>Cluster profile: StackExchange.Redis configuration string of the Redis holding membership and grain state.</summary>
    public string Redis { get; set; } = "127.0.0.1:6379";

    /// <summary>
    /// Azure profile: connection string of the storage account (Azure, or Azurite: scripts/azurite.sh prints one). Best
    /// set as the environment variable FaceGrains__AzureStorage; it is never logged.
    /// </summary>
    public string AzureStorage { get; set; } = "";

    /// <summary>
    /// Cluster and azure profiles: the IP address other silos and clients reach this silo at. Empty: loopback only (all
    /// silos on one machine). Set: the silo listens on every interface and advertises this address.
    /// </summary>
    public string AdvertisedAddress { get; set; } = "";

    /// <summary>Largest HTTP request body in bytes (all files of one request together).</summary>
    public long MaxRequestBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// Longest HTTP request line (method, path, query) in bytes. Kestrel refuses a longer one itself, before routing, with a
    /// bare 414; 64 KiB (Kestrel's default is 8 KiB) lets an over-long identity id reach the API's id check, a 400 problem.
    /// </summary>
    public int MaxRequestLineBytes { get; set; } = 64 * 1024;

    /// <summary>Most image files in one request.</summary>
    public int MaxFilesPerRequest { get; set; } = 64;

    /// <summary>Serve the Orleans Dashboard at /dashboard.</summary>
    public bool Dashboard { get; set; } = true;

    /// <summary>
    /// API keys by key id: role (admin or reader) and the SHA-256 of the key (<c>facegrains keys new</c>). None: the API is
    /// open, which a silo allows only when it listens on loopback addresses alone (and says so in its banner).
    /// </summary>
    public Dictionary<string, ApiKeyOptions> ApiKeys { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Rate limit per API key (per client address on an open silo): a burst beyond it is answered 429 with Retry-After.</summary>
    public RateLimitOptions RateLimit { get; set; } = new();

    /// <summary>The audit log (JSON lines: forget, face removal, enrolment, model changes; who, when, what). Empty: &lt;home&gt;/audit.jsonl.</summary>
    public string AuditLog { get; set; } = "";

    /// <summary>Reads and checks the section; a bad setting stops the start with every problem listed.</summary>
    public static SiloOptions From(IConfiguration configuration)
    {
        var options = configuration.GetSection(Section).Get<SiloOptions>() ?? new SiloOptions();
        var result = new SiloOptionsValidator().Validate(null, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(Section, typeof(SiloOptions), result.Failures);
        }

        return options;
    }
}
