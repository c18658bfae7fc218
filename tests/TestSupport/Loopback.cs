using System.Net;
using System.Net.Sockets;

namespace FaceGrains.TestSupport;

public static class Loopback
{
    /// <summary>A TCP port on 127.0.0.1 that nothing listens on right now (the system's choice).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
