using System.Net;
using Grpc.Core;
using Microsoft.Extensions.Options;
using QwenLayered.Bridge;
using QwenLayered.Contracts.V1;

namespace QwenLayered.BridgeProxy;

/// <summary>http://127.0.0.1:PORT/: whether this bridge reaches its server, for an artist checking the setup.</summary>
internal static class StatusPage
{
    public static async Task<IResult> RenderAsync(Decomposer.DecomposerClient client, IOptions<PanelBridgeOptions> options, HttpContext context)
    {
        var bridge = options.Value;
        var headers = string.IsNullOrEmpty(bridge.Token) ? [] : new Metadata { { "authorization", $"Bearer {bridge.Token}" } };
        string status;
        try
        {
            var info = await client.GetServerInfoAsync(new GetServerInfoRequest(), headers,
                deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: context.RequestAborted);
            var model = info.Model is { Loaded: true } m ? $"{m.Name} on {m.Device}" : "no model loaded";
            status = $"Connected: server {info.ServerVersion} ({info.ContractVersion}), {model}, {info.QueueLength} job(s) waiting.";
        }
        catch (RpcException e)
        {
            status = $"Not connected: {e.StatusCode}: {e.Status.Detail}";
        }
        var html = $"""
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><title>qwenlayered-bridge</title></head>
            <body style="font-family: sans-serif">
            <h1>qwenlayered-bridge {WebUtility.HtmlEncode(BridgeVersion.Current)}</h1>
            <p>Server: {WebUtility.HtmlEncode(bridge.Server.ToString())}</p>
            <p>{WebUtility.HtmlEncode(status)}</p>
            <p>Panel address: ws://{WebUtility.HtmlEncode(context.Request.Host.ToString())}/panel (protocol {PanelProtocol.Version})</p>
            </body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8");
    }
}
