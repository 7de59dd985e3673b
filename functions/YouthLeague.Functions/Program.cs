using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Hosting;
using YouthLeague;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.UseMiddleware<YouthLeague.Functions.SecurityHeadersMiddleware>();
builder.Services.AddYouthLeague(builder.Configuration);
builder.Services.AddYouthLeagueTelemetry(builder.Configuration).UseFunctionsWorkerDefaults();
builder.Build().Run();
