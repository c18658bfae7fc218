using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceGrains.Trainer.Training;

/// <summary>
/// libtorch's autocast, the switch behind PyTorch's <c>torch.autocast</c>: while a scope is open, ops on this
/// thread that autocast lists (convolutions, matmuls) run in the chosen low precision and precision-sensitive ops
/// in float32. TorchSharp 0.107 does not wrap it, so these are libtorch_cpu's own exported functions, called by
/// their C++ (Itanium ABI, linux-x64) names.
/// </summary>
public static class Autocast
{
    private const string Torch = "libtorch_cpu";

    /// <summary>Opens an autocast scope for <paramref name="device"/>; disposing it restores the previous state.</summary>
    public static IDisposable Enter(DeviceType device, ScalarType dtype)
    {
        var previousEnabled = IsEnabled((sbyte)device);
        var previousDtype = GetDtype((sbyte)device);
        SetEnabled((sbyte)device, true);
        SetDtype((sbyte)device, (sbyte)dtype);
        IncrementNesting();
        return new Scope(device, previousEnabled, previousDtype);
    }

    public static bool IsEnabled(DeviceType device) => IsEnabled((sbyte)device);

    private sealed class Scope(DeviceType device, bool previousEnabled, sbyte previousDtype) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (DecrementNesting() == 0)
            {
                ClearCache();
            }

            SetEnabled((sbyte)device, previousEnabled);
            SetDtype((sbyte)device, previousDtype);
        }
    }

    [DllImport(Torch, EntryPoint = "_ZN2at8autocast19is_autocast_enabledEN3c1010DeviceTypeE")]
    [return: MarshalAs(UnmanagedType.U1)]
    private static extern bool IsEnabled(sbyte device);

    [DllImport(Torch, EntryPoint = "_ZN2at8autocast20set_autocast_enabledEN3c1010DeviceTypeEb")]
    private static extern void SetEnabled(sbyte device, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [DllImport(Torch, EntryPoint = "_ZN2at8autocast18get_autocast_dtypeEN3c1010DeviceTypeE")]
    private static extern sbyte GetDtype(sbyte device);

    [DllImport(Torch, EntryPoint = "_ZN2at8autocast18set_autocast_dtypeEN3c1010DeviceTypeENS1_10ScalarTypeE")]
    private static extern void SetDtype(sbyte device, sbyte dtype);

    [DllImport(Torch, EntryPoint = "_ZN2at8autocast17increment_nestingEv")]
    private static extern long IncrementNesting();

    [DllImport(Torch, EntryPoint = "_ZN2at8autocast17decrement_nestingEv")]
    private static extern long DecrementNesting();

    [DllImport(Torch, EntryPoint = "_ZN2at8autocast11clear_cacheEv")]
    private static extern void ClearCache();
}
