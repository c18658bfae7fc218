using Xunit;

// Each test class starts its own three-silo cluster; on a small machine they must not compete for the cores.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
