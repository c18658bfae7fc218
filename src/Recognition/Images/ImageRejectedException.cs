namespace FaceGrains.Recognition.Images;

/// <summary>An input image was refused; <see cref="Reason"/> says why, the message says it for people.</summary>
public sealed class ImageRejectedException : Exception
{
    public ImageRejectedException(ImageRejectionReason reason, string message, Exception? inner = null)
        : base(message, inner)
    {
        Reason = reason;
    }

    public ImageRejectionReason Reason { get; }
}
