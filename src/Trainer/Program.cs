using FaceGrains.Trainer.Commands;

return TrainerCli.Invoke(args);
