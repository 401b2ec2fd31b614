using Matchmaking.Portal.Ui;

namespace Matchmaking.Portal.Pages.Admin;

/// <summary>The sector taxonomy every service validates against (seeds/taxonomy.json, embedded at build); read-only here.</summary>
public sealed class TaxonomyModel(PortalApi api, Tr text) : UiPage(api, text)
{
    public void OnGet()
    {
    }
}
