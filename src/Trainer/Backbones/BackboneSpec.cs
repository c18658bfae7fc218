namespace FaceGrains.Trainer.Backbones;

/// <summary>A registry entry: the backbone's name, native input size, preprocessing defaults and whether it exports to ONNX.</summary>
public sealed record BackboneSpec(string Name, int InputSize, float[] Mean, float[] Std, string Resize, string Crop, bool Exports, string Description);
