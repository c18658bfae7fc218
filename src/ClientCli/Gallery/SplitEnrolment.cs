using FaceGrains.Grains.Interfaces;
using FaceGrains.Recognition.Protocols;

namespace FaceGrains.ClientCli.Gallery;

/// <summary>The known people of an open-set split enrolled through the identity grains (K images each), as <c>demo</c> and <c>bench swap</c> do it.</summary>
public sealed record SplitEnrolment(int EnrolledImages, IReadOnlySet<string> EnrolledIdentities, IReadOnlyList<(string Text, FaceStatus Status)> Rejected, int Total)
{
    public static async Task<SplitEnrolment> RunAsync(IGrainFactory grains, OpenSetSplit split, bool aligned, CommandOutput output, CancellationToken cancellationToken)
    {
        var enrolledImages = 0;
        var enrolledIdentities = new HashSet<string>(StringComparer.Ordinal);
        var rejected = new List<(string Text, FaceStatus Status)>();
        var total = split.Known.Sum(x => x.Enrolled.Count);
        await output.WithProgressAsync("enrolling", async progress =>
        {
            var done = 0;
            await Parallel.ForEachAsync(split.Known, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (person, _) =>
            {
                var result = await grains.GetGrain<IIdentityGrain>(person.Identity).EnrollAsync(new EnrollRequest(person.Enrolled.Select(ImageFiles.Read).ToList(), Aligned: aligned));
                lock (rejected)
                {
                    enrolledImages += result.Faces.Count(f => f.IsEnrolled);
                    if (result.Faces.Any(f => f.IsEnrolled))
                    {
                        enrolledIdentities.Add(person.Identity);
                    }

                    rejected.AddRange(result.Faces.Where(f => !f.IsEnrolled).Select(f => ($"{person.Identity}/{f.FileName}: {f.Message}", f.Status)));
                }

                progress(Interlocked.Add(ref done, person.Enrolled.Count), total);
            });
        });
        return new SplitEnrolment(enrolledImages, enrolledIdentities, rejected, total);
    }
}
