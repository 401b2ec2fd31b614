using Matchmaking.Research.Api;
using Matchmaking.ServiceDefaults.Storage;
using Npgsql;

namespace Matchmaking.Research.Tests;

// What a service database adds to a PostgreSQL connection string (ServiceDatabase.WithPoolDefaults): pure logic, no server.
public sealed class PoolDefaultsTests
{
    [Fact]
    public void A_connection_string_without_them_gets_auto_prepare_and_no_reset_on_close()
    {
        var settings = Settings("Host=127.0.0.1;Port=5432;Database=research;Username=app;Password=MaxAutoPrepare=1");

        Assert.Equal(64, settings.MaxAutoPrepare);
        Assert.True(settings.NoResetOnClose);
        Assert.Equal("MaxAutoPrepare=1", settings.Password); // a value that looks like a setting is a value
        Assert.Equal("research", settings.Database);
    }

    [Theory]
    [InlineData("Max Auto Prepare=0;No Reset On Close=false")]
    [InlineData("maxautoprepare=0;noresetonclose=false")]
    [InlineData("MAX AUTO PREPARE = 0 ; NO RESET ON CLOSE = false")]
    public void Settings_the_connection_string_gives_are_kept_however_they_are_spelt(string given)
    {
        var settings = Settings("Host=127.0.0.1;Database=research;" + given);

        Assert.Equal(0, settings.MaxAutoPrepare);
        Assert.False(settings.NoResetOnClose);
    }

    private static NpgsqlConnectionStringBuilder Settings(string connectionString) =>
        new(new ResearchDatabase(new DatabaseSettings(DatabaseProvider.Postgres, connectionString)).ConnectionString);
}
