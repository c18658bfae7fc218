namespace FaceGrains.Recognition.Evaluation;

/// <summary>One pair of the LFW View 2 protocol.</summary>
/// <param name="Fold">Fold index, 0-based (the file's first block of pairs is fold 0).</param>
/// <param name="FirstPath">Image path relative to the LFW image root, e.g. <c>Abel_Pacheco/Abel_Pacheco_0001.jpg</c>.</param>
/// <param name="SecondPath">The other image, relative the same way.</param>
/// <param name="Genuine">True for a matched pair (same person).</param>
/// <param name="LineNumber">1-based line of <c>pairs.txt</c> the pair came from, to point at it in reports.</param>
public sealed record LfwPair(int Fold, string FirstPath, string SecondPath, bool Genuine, int LineNumber);
