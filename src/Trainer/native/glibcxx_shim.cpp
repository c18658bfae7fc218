// Defines the one libstdc++ symbol that TorchSharp's libLibTorchSharp.so takes from GLIBCXX_3.4.32
// (GCC 13). Debian 12's libstdc++ stops at 3.4.30; in GCC 13 this function only makes sure the
// standard streams are constructed, which Debian's libstdc++ already does when it loads.
namespace std
{
    void ios_base_library_init() {}
}
