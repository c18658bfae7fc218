using FaceGrains.Recognition.Similarity;
using Xunit;

namespace FaceGrains.Recognition.Tests.Similarity;

/// <summary>One identity answers at most one face of a photo, assigned for the best total score.</summary>
public sealed class FaceAssignmentTests
{
    private static IReadOnlyList<(string Identity, float Score)> C(params (string, float)[] candidates) => candidates;

    /// <summary>Each face's assigned identity, "-" for none (no-correspondence).</summary>
    private static string[] Names(IReadOnlyList<IReadOnlyList<(string Identity, float Score)>> eligible) =>
        FaceAssignment.Assign(eligible).Select((k, f) => k < 0 ? "-" : eligible[f][k].Identity).ToArray();

    [Fact]
    public void Without_conflicts_every_face_keeps_its_best_candidate()
    {
        Assert.Equal(["alice", "bob", "-"], Names([C(("alice", 0.97f), ("bob", 0.95f)), C(("bob", 0.96f)), C()]));
    }

    [Fact]
    public void A_face_that_loses_its_best_candidate_gets_its_next_one()
    {
        // Both faces' best is alice: alice to the first face and carol to the second totals 1.87, bob to the first and alice to the second 1.94.
        Assert.Equal(["bob", "alice"], Names([C(("alice", 0.97f), ("bob", 0.96f)), C(("alice", 0.98f), ("carol", 0.90f))]));
        Assert.Equal(["alice", "carol"], Names([C(("alice", 0.99f), ("bob", 0.91f)), C(("alice", 0.98f), ("carol", 0.97f))]));
    }

    [Fact]
    public void A_face_with_no_candidate_left_is_no_correspondence()
    {
        // Four faces of the same look-alike: one gets him, the others have nobody else above the threshold.
        var eligible = Enumerable.Range(0, 4).Select(i => C(("dave", 0.95f + (i * 0.01f)))).ToList();

        var names = Names(eligible);

        Assert.Equal("dave", names[3]);
        Assert.Equal(3, names.Count(n => n == "-"));
    }

    [Fact]
    public void The_assignment_maximises_the_total_over_a_chain_of_conflicts()
    {
        // Greedy (highest score first) takes a–x (0.99), then c–y (0.96), and leaves b with nothing: 1.95. The optimum is a–y, b–x, c–z: 0.98 + 0.97 + 0.9 = 2.85.
        var eligible = new[] { C(("x", 0.99f), ("y", 0.98f)), C(("x", 0.97f), ("y", 0.5f)), C(("y", 0.96f), ("z", 0.9f)) };

        Assert.Equal(["y", "x", "z"], Names(eligible));
    }

    [Fact]
    public void No_faces_or_no_candidates_assign_nothing()
    {
        Assert.Empty(FaceAssignment.Assign([]));
        Assert.Equal([-1, -1], FaceAssignment.Assign([C(), C()]));
    }
}
