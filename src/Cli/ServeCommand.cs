using System.CommandLine;
using QwenLayered.Engine.ModelFolders;
using QwenLayered.Server.Hosting;

namespace QwenLayered.Cli;

/// <summary><c>qwenlayered serve</c>: runs the gRPC server and the panel's HTTP endpoint.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var host = new Option<string?>("--host") { Description = "Address to listen on (default 127.0.0.1; 0.0.0.0 for every interface, which needs Auth:Tokens)." };
        var grpcPort = new Option<int?>("--grpc-port") { Description = "Port of the gRPC (HTTP/2) endpoint (default 50051; 0 takes a free one, logged at startup)." };
        var httpPort = new Option<int?>("--http-port") { Description = "Port of the HTTP/1.1 endpoint for the panel, /healthz and /metrics (default 50052; 0 takes a free one, logged at startup)." };
        var model = new Option<string?>("--model") { Description = $"Diffusers model folder to load at startup (default: the small demo model in {DemoModel.RelativeFolder}; --model \"\" serves none)." };
        var dtype = new Option<string?>("--dtype") { Description = "Compute dtype: bf16, fp16 or fp32 (default bf16 on CUDA, fp32 on the CPU)." };
        var device = new Option<string?>("--device") { Description = "auto, cpu, cuda or cuda:N; several, comma-separated, get a worker each (default auto)." };
        var memory = MemoryModeOption.Create();
        var redis = new Option<string?>("--redis") { Description = "Share one fair queue, the job events and the results with every server on this Redis: host:port (Cluster:Redis; ,password=… and ,ssl=true as the Redis needs)." };
        var command = new Command("serve", "Run the server. Further settings as --Section:Key=value, as in appsettings.json.")
        {
            host, grpcPort, httpPort, model, dtype, device, memory, redis,
        };
        // Unknown tokens are configuration overrides, the usual ASP.NET Core command-line form.
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async result =>
        {
            var overrides = new Dictionary<string, string?>();
            AddIfSet(overrides, "Server:Host", result.GetValue(host));
            AddIfSet(overrides, "Server:GrpcPort", result.GetValue(grpcPort)?.ToString());
            AddIfSet(overrides, "Server:HttpPort", result.GetValue(httpPort)?.ToString());
            AddIfSet(overrides, "Engine:Model", result.GetValue(model));
            AddIfSet(overrides, "Engine:Dtype", result.GetValue(dtype));
            AddIfSet(overrides, "Engine:Device", result.GetValue(device));
            AddIfSet(overrides, "Engine:Memory", result.GetValue(memory));
            AddIfSet(overrides, "Cluster:Redis", result.GetValue(redis));
            await using var app = ServerApp.Build([.. result.UnmatchedTokens], overrides, DemoModelDefault());
            // Runs until SIGTERM or Ctrl+C, which the host handles itself (see QwenLayeredCommand): it drains, then returns.
            await app.RunAsync();
            return 0;
        });
        return command;
    }

    // The demo model, unless configuration names a model (or an empty one) some other way.
    private static Dictionary<string, string?>? DemoModelDefault() =>
        DemoModel.Find() is { } demo ? new() { ["Engine:Model"] = demo } : null;

    private static void AddIfSet(Dictionary<string, string?> overrides, string key, string? value)
    {
        if (value is not null) overrides[key] = value;
    }
}
