using Matchmaking.Portal;
using Matchmaking.ServiceDefaults.Messaging;
using Matchmaking.ServiceDefaults.Web;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddPortal();
builder.AddMatchmakingBus();
var app = builder.Build();
app.MapServiceDefaults();
app.MapPortal();
app.Run();
