var builder = WebApplication.CreateBuilder(args);
builder.UseOrleans(silo => silo.UseLocalhostClustering());

var app = builder.Build();
app.MapGet("/health", () => Results.Ok(new { status = "ok" }));
app.Run();
