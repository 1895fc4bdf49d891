using System.Net;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using QwenLayered.Bridge.Session;
using QwenLayered.Contracts.V1;

namespace QwenLayered.Bridge;

/// <summary>Serves the panel WebSocket in any ASP.NET Core app: the server itself, or the local qwenlayered-bridge proxy.</summary>
public static class PanelBridgeEndpoint
{
    /// <summary>
    /// Serves the panel from a remote server: one gRPC channel to <see cref="PanelBridgeOptions.Server"/>, shared by
    /// every panel connection.
    /// </summary>
    public static IServiceCollection AddPanelBridge(this IServiceCollection services, Action<PanelBridgeOptions> configure)
    {
        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<PanelBridgeOptions>>().Value;
            // Result layers are full-size PNGs, well past gRPC's 4 MB default. Unless limited here, the server's own limit
            // decides what a request may carry (RESOURCE_EXHAUSTED above it).
            return GrpcChannel.ForAddress(options.Server, new GrpcChannelOptions
            {
                MaxReceiveMessageSize = options.MaxMessageBytes,
                MaxSendMessageSize = options.MaxMessageBytes,
            });
        });
        services.AddSingleton(provider => new Decomposer.DecomposerClient(provider.GetRequiredService<GrpcChannel>()));
        return services.AddPanelBridge<GrpcPanelDecomposer>(configure);
    }

    /// <summary>Serves the panel from <typeparamref name="TDecomposer"/>, for example the scheduler of this very process.</summary>
    public static IServiceCollection AddPanelBridge<TDecomposer>(this IServiceCollection services, Action<PanelBridgeOptions> configure)
        where TDecomposer : class, IPanelDecomposer
    {
        services.Configure(configure);
        services.AddSingleton<IPanelDecomposer, TDecomposer>();
        return services;
    }

    /// <summary>Maps the panel WebSocket; only loopback clients with no Origin or an allowed one get in.</summary>
    public static IEndpointConventionBuilder MapPanelBridge(this IEndpointRouteBuilder endpoints, string pattern = "/panel") =>
        endpoints.Map(pattern, async context =>
        {
            var options = context.RequestServices.GetRequiredService<IOptions<PanelBridgeOptions>>().Value;
            if (Refusal(context, options) is { } refusal)
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                await context.Response.WriteAsync(refusal, context.RequestAborted);
                return;
            }
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                await context.Response.WriteAsync("This is the QwenLayered panel WebSocket (docs/bridge-protocol.md); connect with ws://.", context.RequestAborted);
                return;
            }
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var session = new PanelSession(socket, context.RequestServices.GetRequiredService<IPanelDecomposer>(), options,
                context.RequestServices.GetRequiredService<ILogger<PanelSession>>());
            await session.RunAsync(context.RequestAborted);
        });

    private static string? Refusal(HttpContext context, PanelBridgeOptions options)
    {
        if (context.Connection.RemoteIpAddress is not { } remote || !IPAddress.IsLoopback(remote))
            return "The panel WebSocket serves this machine only; run qwenlayered-bridge on the artist's machine instead.";
        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length > 0 && !options.AllowedOrigins.Contains(origin, StringComparer.OrdinalIgnoreCase))
            return $"Origin '{origin}' may not use the panel WebSocket (see Panel:AllowedOrigins).";
        return null;
    }
}
