using Dapper;
using Matchmaking.Portal.Features;
using Matchmaking.Portal.Ui;

namespace Matchmaking.Portal.Pages;

public sealed class IndexModel(PortalApi api, Tr text, PortalDatabase database) : UiPage(api, text)
{
    public IReadOnlyList<Organisations.Organisation> Organisations { get; private set; } = [];

    public async Task OnGetAsync()
    {
        if (User.Identity?.AuthenticationType == UiModule.CookieScheme)
        {
            return;
        }

        // The participating organisations are the Portal's own data; the signed-out page reads them directly.
        await using var connection = await database.OpenAsync(Ct);
        Organisations = (await connection.QueryAsync<Organisations.Organisation>(
            "SELECT id AS Id, name AS Name, name_zh AS NameZh, kind AS Kind, sector AS Sector FROM organisations ORDER BY kind, name")).ToList();
    }
}
