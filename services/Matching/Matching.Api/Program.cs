using Matchmaking.Matching.Api;
using Matchmaking.ServiceDefaults.Messaging;
using Matchmaking.ServiceDefaults.Web;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();   // problem details, strict JSON, JWT bearer, health, OpenAPI
builder.AddMatching();          // database, outbox relay, index, consumers, options
builder.AddMatchmakingBus();    // MassTransit once, after every AddXxx (InMemory or RabbitMq by configuration)
var app = builder.Build();
app.MapServiceDefaults();       // exception handler, status pages, auth, /health/live, /health/serving, /health/ready, /openapi/v1.json
app.MapMatching();
app.Run();
