using FaceGrains.Silo;

var app = SiloApp.Create(args);
app.Run();
