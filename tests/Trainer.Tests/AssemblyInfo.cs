using Xunit;

// libtorch's random generator and thread count are process-wide: runs in parallel test classes would
// reseed each other and break the bit-for-bit resume check.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
