using FaceGrains.Silo;

return SiloApp.Run(args);
