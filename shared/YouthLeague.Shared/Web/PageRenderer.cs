using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace YouthLeague.Web;

/// <summary>Every page component takes its whole content as one model and loads nothing.</summary>
public abstract class PageComponent<TModel> : ComponentBase
{
    [Parameter, EditorRequired]
    public TModel Model { get; set; } = default!;
}

/// <summary>
/// Renders Razor components to HTML with ASP.NET Core's <see cref="HtmlRenderer"/> (values are HTML-encoded unless a
/// component says otherwise) and wraps the result as a <see cref="ContentResult"/>, which both hosts return as is.
/// The components load nothing, so the renderer needs no services of the app: it keeps its own, with an encoder
/// that leaves Chinese readable (the default one would turn every character into an entity).
/// </summary>
public sealed class PageRenderer : IAsyncDisposable
{
    public const string HtmlContentType = "text/html; charset=utf-8";

    private readonly ServiceProvider services = new ServiceCollection()
        .AddSingleton(HtmlEncoder.Create(UnicodeRanges.All))
        .AddSingleton(JavaScriptEncoder.Create(UnicodeRanges.All))
        .AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance)
        .BuildServiceProvider();

    public async Task<ContentResult> PageAsync<TPage, TModel>(TModel model, int status = 200)
        where TPage : PageComponent<TModel> =>
        new() { Content = await HtmlAsync<TPage, TModel>(model), ContentType = HtmlContentType, StatusCode = status };

    public Task<string> HtmlAsync<TPage, TModel>(TModel model)
        where TPage : PageComponent<TModel> =>
        HtmlAsync<TPage>(new Dictionary<string, object?> { [nameof(PageComponent<TModel>.Model)] = model });

    /// <summary>Any component with its parameters (component tests render parts on their own).</summary>
    public async Task<string> HtmlAsync<TComponent>(IDictionary<string, object?> parameters)
        where TComponent : IComponent
    {
        await using var renderer = new HtmlRenderer(services, services.GetRequiredService<ILoggerFactory>());
        return await renderer.Dispatcher.InvokeAsync(async () =>
            (await renderer.RenderComponentAsync<TComponent>(ParameterView.FromDictionary(parameters))).ToHtmlString());
    }

    public ValueTask DisposeAsync() => services.DisposeAsync();
}
