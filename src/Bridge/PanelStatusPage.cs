using System.Net;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using QwenLayered.Contracts.V1;

namespace QwenLayered.Bridge;

/// <summary>http://127.0.0.1:PORT/: whether the panel bridge reaches its server, for an artist checking the setup.</summary>
public static class PanelStatusPage
{
    /// <summary>Maps the page beside the panel WebSocket (<see cref="PanelBridgeEndpoint.MapPanelBridge"/>).</summary>
    /// <param name="program">The program that serves it, the page's heading: "qwenlayered serve" or "qwenlayered-bridge".</param>
    public static IEndpointConventionBuilder MapPanelStatusPage(this IEndpointRouteBuilder endpoints, string pattern, string program) =>
        endpoints.MapGet(pattern, (IPanelDecomposer decomposer, IOptions<PanelBridgeOptions> options, HttpContext context) =>
            RenderAsync(program, decomposer, options.Value, context));

    private static async Task<IResult> RenderAsync(string program, IPanelDecomposer decomposer, PanelBridgeOptions bridge, HttpContext context)
    {
        string status;
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            deadline.CancelAfter(TimeSpan.FromSeconds(5));
            var info = await decomposer.GetServerInfoAsync(bridge.Token, deadline.Token);
            var model = info.Model is { Loaded: true } m ? $"{m.Name} on {m.Device}" : "no model loaded";
            status = $"Connected: server {info.ServerVersion} ({info.ContractVersion}), {model}, {info.QueueLength} job(s) waiting.";
        }
        catch (RpcException e)
        {
            status = $"Not connected: {e.StatusCode}: {e.Status.Detail}";
        }
        var html = $"""
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><title>{WebUtility.HtmlEncode(program)}</title></head>
            <body style="font-family: sans-serif">
            <h1>{WebUtility.HtmlEncode(program)} {WebUtility.HtmlEncode(BridgeVersion.Current)}</h1>
            <p>Server: {WebUtility.HtmlEncode(bridge.Server.ToString())}</p>
            <p>{WebUtility.HtmlEncode(status)}</p>
            <p>Panel address: ws://{WebUtility.HtmlEncode(context.Request.Host.ToString())}/panel (protocol {PanelProtocol.Version})</p>
            </body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8");
    }
}
