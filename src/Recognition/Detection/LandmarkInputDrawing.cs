namespace FaceGrains.Recognition.Detection;

/// <summary>How <see cref="FaceLandmarker"/> puts a face's cut-out onto the landmark net's 112×112 black square.</summary>
public enum LandmarkInputDrawing
{
    /// <summary>
    /// Padded with black to a centred square, then TensorFlow's legacy (corner-aligned) bilinear resize: as
    /// face-api.js runs under tfjs-node. The default: on LFW View 2 it aligns faces the embedder matches better
    /// (98.93 % against 98.80 % with <see cref="Canvas"/>, docs/BENCHMARKS.md).
    /// </summary>
    TensorFlow,

    /// <summary>
    /// Scaled and centred as a browser canvas draws it (face-api.js's <c>imageToSquare</c>; its reference outputs
    /// were made in a browser): half-pixel centres, fractional placement. Lands within 1.5 px of those references.
    /// </summary>
    Canvas,
}
