using TorchSharp;

namespace FaceGrains.Trainer.Optimization;

/// <summary>Parameters that share a learning-rate factor (the head may learn faster than a pretrained backbone).</summary>
public sealed record ParameterGroup(string Prefix, IReadOnlyList<(string Name, TorchSharp.Modules.Parameter Parameter)> Parameters, double LrFactor);
