using System.CommandLine;
using System.Text.Json.Nodes;
using FaceGrains.Grains.Interfaces;
using Spectre.Console;

namespace FaceGrains.ClientCli.Commands;

/// <summary>
/// <c>facegrains keys new &lt;id&gt; --role admin|reader</c>: makes an API key for the silo's REST API and prints it once,
/// with the settings that admit it (the silo keeps only the hash). <c>facegrains keys hash</c> hashes a key read from
/// stdin (a key kept in a secret manager).
/// </summary>
public static class KeysCommand
{
    public static Command Create()
    {
        var command = new Command("keys", "API keys for the silo's REST API (the silo stores only their hashes).");
        command.Subcommands.Add(New());
        command.Subcommands.Add(Hash());
        return command;
    }

    private static Command New()
    {
        var id = new Argument<string>("id") { Description = "Key id: who holds the key (recorded in the audit log; letters, digits, '-', '_', '.')." };
        var role = new Option<string>("--role")
        {
            Description = "admin (enrol, remove, forget, models, dashboard) or reader (identify, verify, list).",
            DefaultValueFactory = _ => "reader",
        };
        role.AcceptOnlyFromAmong("admin", "reader");
        var command = new Command("new", "Make a key and print it once, with the silo settings that admit it.") { id, role };
        command.SetAction(parse =>
        {
            var keyId = parse.GetValue(id)!;
            if (keyId.Length is 0 or > 64 || !keyId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                throw new FormatException($"'{keyId}' is not a key id: use 1–64 letters, digits, '-', '_' or '.'.");
            }

            Print(new CommandOutput(parse.GetValue(CliOptions.Json)), keyId, parse.GetValue(role)!, ApiKeyHash.NewKey());
            return 0;
        });
        return command;
    }

    private static Command Hash()
    {
        var command = new Command("hash", "Read a key from stdin and print its SHA-256, the value of FaceGrains:ApiKeys:<id>:Sha256.");
        command.SetAction(parse =>
        {
            var key = Console.In.ReadLine()?.Trim();
            if (string.IsNullOrEmpty(key))
            {
                throw new FormatException("no key on stdin: pipe the key in (echo -n \"$KEY\" | facegrains keys hash).");
            }

            var output = new CommandOutput(parse.GetValue(CliOptions.Json));
            output.Result(new JsonObject { ["sha256"] = ApiKeyHash.Of(key) }, console => console.WriteLine(ApiKeyHash.Of(key)));
            return 0;
        });
        return command;
    }

    private static void Print(CommandOutput output, string keyId, string role, string key)
    {
        var hash = ApiKeyHash.Of(key);
        var environment = new[] { $"FaceGrains__ApiKeys__{keyId}__Role={role}", $"FaceGrains__ApiKeys__{keyId}__Sha256={hash}" };
        var appsettings = new JsonObject { ["FaceGrains"] = new JsonObject { ["ApiKeys"] = new JsonObject { [keyId] = new JsonObject { ["Role"] = role, ["Sha256"] = hash } } } };
        output.Result(
            new JsonObject
            {
                ["key_id"] = keyId,
                ["role"] = role,
                ["key"] = key,
                ["sha256"] = hash,
                ["environment"] = new JsonArray(environment.Select(e => (JsonNode)e).ToArray()),
            },
            console =>
            {
                console.MarkupLine($"API key [bold]{Markup.Escape(keyId)}[/] ({role}). Give the holder this key; it is shown only now:");
                console.WriteLine();
                console.WriteLine("  " + key);
                console.WriteLine();
                console.MarkupLine("The silo admits it with these settings (environment variables, or the same under FaceGrains:ApiKeys in appsettings.json):");
                foreach (var line in environment)
                {
                    console.WriteLine("  " + line);
                }

                console.WriteLine();
                console.WriteLine(appsettings.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
                console.MarkupLine($"Requests send it as the header [bold]X-API-Key: <key>[/] (or Authorization: Bearer <key>).");
            });
    }
}
