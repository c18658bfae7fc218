using FaceGrains.Grains.Interfaces;
using FaceGrains.TestSupport;

namespace FaceGrains.Grains.Tests;

/// <summary>ORL images by person (s1..s40) and number (1..10).</summary>
internal static class Orl
{
    public static string PathOf(int person, int image) => SharedData.PathOf("orl", $"s{person}", $"{image}.pgm");

    public static FaceImage Image(int person, int image) => new(File.ReadAllBytes(PathOf(person, image)), $"s{person}/{image}.pgm");
}
