using Matchmaking.Matching.Api;
using Matchmaking.Matching.Engine;
using Matchmaking.Research.Contracts;
using Microsoft.Extensions.DependencyInjection;

namespace Matchmaking.Matching.Tests;

public abstract class RebuildTests(Setup setup) : MatchingTests(setup)
{
    [Fact]
    public async Task The_rebuilt_index_answers_searches_as_the_incremental_one_did()
    {
        var university = NewUniversity();
        // Distinct texts and instants, so every ranking has one right order and ties cannot hide a difference.
        var withdrawn = CoolingTechnology(university, minutes: 5);
        await PublishAndWaitAsync(CoolingTechnology(NewUniversity(), minutes: 1));
        await PublishAndWaitAsync(BatteryTechnology(NewUniversity()) with { OccurredAt = At(2) });
        await PublishAndWaitAsync(WarpageNeed(NewEnterprise(), minutes: 3));
        await PublishAndWaitAsync(WarpageNeed(NewEnterprise(), visibility: "staff-only", sector: "plastics", minutes: 4) with
        {
            Title = "Thin plastic lids warp after moulding",
            Problem = "Polypropylene lids bow as they cool; we want flat lids without a longer cycle.",
            Keywords = ["warpage"],
        });
        await PublishAndWaitAsync(withdrawn);
        await PublishAndWaitAsync(new TechnologyWithdrawn(withdrawn.TechnologyId, university.OrganisationId, At(10)));
        string[] queries = ["q=warpage", "q=battery", "q=injection%20moulding&type=need", "type=technology", "q=cooling&sector=moulds-dies"];
        var staff = NewStaff();
        var incremental = new List<SearchBody>();
        foreach (var query in queries)
        {
            incremental.Add(await SearchAsync(staff, query));
        }

        var progress = new List<string>();
        var indexed = await Matching.Service.Services.GetRequiredService<MatchingIndexRebuilder>()
            .RebuildAsync(Ct, new SynchronousProgress(progress));

        // Scores are not compared: BM25 statistics of the incremental index still count the withdrawn listing's
        // deleted document until a merge, so they differ in the last digits while the ranking is the same.
        Assert.Equal(4, indexed);
        Assert.NotEmpty(progress);

        // The rebuild leaves its batches' commits to the index's committer and commits once at the end: all of it is on disk.
        Assert.True(Assert.IsType<LuceneListingIndex>(Matching.Index).Committed);
        for (var i = 0; i < queries.Length; i++)
        {
            var rebuilt = await SearchAsync(staff, queries[i]);
            Assert.Equal(incremental[i].Total, rebuilt.Total);
            Assert.Equal(incremental[i].Items.Select(h => (h.Id, h.Type, h.Title, h.Snippet)), rebuilt.Items.Select(h => (h.Id, h.Type, h.Title, h.Snippet)));
            Assert.Equal(incremental[i].Facets.Sector, rebuilt.Facets.Sector);
        }

        Assert.Contains(incremental, body => body.Total > 0);
    }

    [Fact]
    public async Task At_start_the_index_catches_up_with_what_the_database_holds()
    {
        var university = NewUniversity();
        var kept = CoolingTechnology(university, minutes: 1);
        var lost = BatteryTechnology(NewUniversity()) with { OccurredAt = At(2) };
        var withdrawn = CoolingTechnology(university, minutes: 3);
        await PublishAndWaitAsync(kept);
        await PublishAndWaitAsync(lost);
        await PublishAndWaitAsync(withdrawn);
        var withdrawnCopy = Matching.Index.Get(withdrawn.TechnologyId)!;
        await PublishAndWaitAsync(new TechnologyWithdrawn(withdrawn.TechnologyId, university.OrganisationId, At(4)));

        // What a process killed after its database commits and before its index's next commit leaves on disk: a
        // listing the database holds and the index lacks, and a withdrawal the index never heard of.
        Matching.Index.Delete(lost.TechnologyId);
        Matching.Index.Upsert(withdrawnCopy);
        var reconcilable = Assert.IsAssignableFrom<IReconcilableIndex>(Matching.Index);
        var reconciliation = Matching.Service.Services.GetRequiredService<IndexReconciliation>();

        var applied = await reconciliation.ReconcileAsync(reconcilable, Ct);

        Assert.Equal(2, applied);
        Assert.Equal(lost.Title, Matching.Index.Get(lost.TechnologyId)?.Title);
        Assert.Null(Matching.Index.Get(withdrawn.TechnologyId));
        Assert.NotNull(Matching.Index.Get(kept.TechnologyId));
        Assert.Equal(0, await reconciliation.ReconcileAsync(reconcilable, Ct));
    }

    /// <summary>Records progress as it is reported; <see cref="Progress{T}"/> would post it to the thread pool later.</summary>
    private sealed class SynchronousProgress(List<string> messages) : IProgress<string>
    {
        public void Report(string value) => messages.Add(value);
    }
}

public sealed class RebuildOnPostgresAndRabbitMq() : RebuildTests(Setup.PostgresAndRabbitMq);

public sealed class RebuildOnSqliteAndInMemoryBus() : RebuildTests(Setup.SqliteAndInMemoryBus);
