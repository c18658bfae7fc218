using FaceGrains.Silo;

var builder = WebApplication.CreateBuilder(args);
builder.AddFaceGrainsSilo();

var app = builder.Build();
app.MapFaceGrainsApi();
app.Run();
