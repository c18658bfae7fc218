using FaceGrains.Silo.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace FaceGrains.Silo.Api;

/// <summary>A query parameter a route reads itself (to answer a bad value with its own problem): described in the OpenAPI document.</summary>
/// <param name="Type">JSON schema type: number, integer, boolean or string.</param>
public sealed record QueryParameterDoc(string Name, string Type, string Description);

/// <summary>A multipart form a route reads itself: its file parts and named fields, described in the OpenAPI document.</summary>
public sealed record MultipartFormDoc(string FilesDescription, IReadOnlyList<(string Name, string Description)> Fields);

/// <summary>
/// The OpenAPI document (<c>/openapi/v1.json</c>) and the API page (<c>/scalar</c>): the gallery's own routes only (not
/// the dashboard's or the metrics endpoint), each with the query parameters and form fields it reads and the key it needs.
/// </summary>
public static class ApiDocs
{
    public const string SecuritySchemeName = "ApiKey";

    public static RouteHandlerBuilder WithQueryParameter(this RouteHandlerBuilder route, QueryParameterDoc parameter) =>
        route.WithMetadata(parameter);

    public static RouteHandlerBuilder WithMultipartForm(this RouteHandlerBuilder route, string filesDescription, params (string Name, string Description)[] fields) =>
        route.WithMetadata(new MultipartFormDoc(filesDescription, fields));

    public static IServiceCollection AddGalleryOpenApi(this IServiceCollection services) => services.AddOpenApi(openApi =>
    {
        openApi.ShouldInclude = description =>
            description.RelativePath is not { } path || !(path.StartsWith("dashboard", StringComparison.Ordinal) || path.StartsWith("metrics", StringComparison.Ordinal));
        openApi.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "FaceGrains gallery API";
            document.Info.Description =
                $"Open-set face identification. Send an API key in the {ApiRoles.KeyHeader} header: a reader key for identify, verify and listings, an admin key for enrolment, removal, forget and model changes. Errors are RFC 9457 problem documents.";
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[SecuritySchemeName] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = ApiRoles.KeyHeader,
                Description = "An API key (facegrains keys new). A silo listening on loopback only may run without keys.",
            };
            return Task.CompletedTask;
        });
        openApi.AddOperationTransformer((operation, context, _) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            foreach (var parameter in metadata.OfType<QueryParameterDoc>())
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = parameter.Name,
                    In = ParameterLocation.Query,
                    Required = false,
                    Description = parameter.Description,
                    Schema = new OpenApiSchema { Type = SchemaType(parameter.Type) },
                });
            }

            if (metadata.OfType<MultipartFormDoc>().FirstOrDefault() is { } form)
            {
                var properties = new Dictionary<string, IOpenApiSchema>
                {
                    ["files"] = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Array,
                        Description = form.FilesDescription + " Any part name; JPEG, PNG, WebP, GIF or BMP.",
                        Items = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" },
                    },
                };
                foreach (var (name, description) in form.Fields)
                {
                    properties[name] = new OpenApiSchema { Type = name == "aligned" ? JsonSchemaType.Boolean : JsonSchemaType.String, Description = description };
                }

                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["multipart/form-data"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.Object, Properties = properties } },
                    },
                };
            }

            var roles = metadata.OfType<IAuthorizeData>().Select(a => a.Policy).OfType<string>().ToList();
            if (roles.Count > 0)
            {
                operation.Security ??= [];
                operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SecuritySchemeName, context.Document)] = roles });
                operation.Description = $"Needs {(roles.Contains(ApiRoles.Admin) ? "an admin" : "a reader (or admin)")} API key.";
                operation.Responses ??= [];
                operation.Responses.TryAdd("401", new OpenApiResponse { Description = "No API key, or one the silo does not know (problem document)." });
                if (roles.Contains(ApiRoles.Admin))
                {
                    operation.Responses.TryAdd("403", new OpenApiResponse { Description = "A reader key: this route needs an admin key (problem document)." });
                }
            }

            operation.Responses?.TryAdd("429", new OpenApiResponse { Description = "Rate limit of the key exceeded; see Retry-After (problem document)." });
            return Task.CompletedTask;
        });
    });

    private static JsonSchemaType SchemaType(string type) => type switch
    {
        "number" => JsonSchemaType.Number,
        "integer" => JsonSchemaType.Integer,
        "boolean" => JsonSchemaType.Boolean,
        _ => JsonSchemaType.String,
    };
}
