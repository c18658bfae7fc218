using System.CommandLine;

var root = new RootCommand("facegrains-train: trains face embedders with TorchSharp, exports ONNX and publishes model versions.");
return root.Parse(args).Invoke();
