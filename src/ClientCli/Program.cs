using FaceGrains.ClientCli;

return CliErrors.Run(FaceGrainsCli.CreateRoot(), args);
