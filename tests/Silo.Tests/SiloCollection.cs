using Xunit;

namespace FaceGrains.Silo.Tests;

/// <summary>Silo tests run one after another: each starts Orleans and loads the model, and the machine is small.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SiloCollection
{
    public const string Name = "silo";
}
