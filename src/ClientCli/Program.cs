using System.CommandLine;

var root = new RootCommand("facegrains: the FaceGrains operator's command line.");
return root.Parse(args).Invoke();
