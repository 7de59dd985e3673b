using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using YouthLeague;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddYouthLeague(builder.Configuration);
builder.Build().Run();
