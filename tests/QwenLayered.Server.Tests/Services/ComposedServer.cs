using Microsoft.AspNetCore.Builder;
using QwenLayered.Server.Hosting;
using QwenLayered.Server.Tests.Serving;

namespace QwenLayered.Server.Tests.Services;

/// <summary>
/// The server's services as <c>qwenlayered serve</c> composes them, built but not started: no port, no model, its API
/// tokens those of the <see cref="Artists"/>. Its Decomposer is called straight through <see cref="Decomposer"/>.
/// </summary>
public sealed class ComposedServer : IAsyncDisposable
{
    public const int MaxLayers = 8;

    private readonly TempResultsFolder _results = new();
    private readonly WebApplication _app;

    public ComposedServer()
    {
        _app = ServerApp.Build([], new Dictionary<string, string?>(Artists.TokenSettings)
        {
            ["Engine:Device"] = "cpu",
            ["Limits:MaxLayers"] = MaxLayers.ToString(),
            ["Jobs:ResultsFolder"] = _results.Path,
        });
        Decomposer = new DirectDecomposer(_app.Services);
    }

    public DirectDecomposer Decomposer { get; }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _results.Dispose();
    }
}
