using System.CommandLine;
using QwenLayered.Server.Hosting;

namespace QwenLayered.Server.Cli;

/// <summary><c>qwenlayered serve</c>: runs the gRPC server and the panel's HTTP endpoint.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var host = new Option<string?>("--host") { Description = "Address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)." };
        var grpcPort = new Option<int?>("--grpc-port") { Description = "Port of the gRPC (HTTP/2) endpoint (default 50051)." };
        var httpPort = new Option<int?>("--http-port") { Description = "Port of the HTTP/1.1 endpoint for the panel and /healthz (default 50052)." };
        var device = new Option<string?>("--device") { Description = "auto, cpu, cuda or cuda:N (default auto: CUDA when available)." };
        var command = new Command("serve", "Run the server. Further settings as --Section:Key=value, as in appsettings.json.")
        {
            host, grpcPort, httpPort, device,
        };
        // Unknown tokens are configuration overrides, the usual ASP.NET Core command-line form.
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (result, cancellation) =>
        {
            var overrides = new Dictionary<string, string?>();
            AddIfSet(overrides, "Server:Host", result.GetValue(host));
            AddIfSet(overrides, "Server:GrpcPort", result.GetValue(grpcPort)?.ToString());
            AddIfSet(overrides, "Server:HttpPort", result.GetValue(httpPort)?.ToString());
            AddIfSet(overrides, "Engine:Device", result.GetValue(device));
            await using var app = ServerApp.Build([.. result.UnmatchedTokens], overrides);
            await app.RunAsync(cancellation);
            return 0;
        });
        return command;
    }

    private static void AddIfSet(Dictionary<string, string?> overrides, string key, string? value)
    {
        if (value is not null) overrides[key] = value;
    }
}
