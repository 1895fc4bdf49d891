using System.CommandLine;
using QwenLayered.BridgeCli;
using QwenLayered.CommandLine;

var server = new Option<Uri>("--server")
{
    Description = "The QwenLayered gRPC server, for example https://gpu-box:50051 (TLS) or http://gpu-box:50051.",
    Required = true,
    // System.CommandLine has no parser of its own for Uri.
    CustomParser = result =>
    {
        string text = result.Tokens.Single().Value;
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https") return uri;
        result.AddError($"--server must be an http:// or https:// address, such as https://gpu-box:50051; '{text}' is not.");
        return null;
    },
};
var token = new Option<string?>("--token") { Description = "Bearer token for the server; when unset, the token typed into the panel is used." };
var port = new Option<int>("--port") { Description = "Local port for the panel (ws://127.0.0.1:PORT/panel) and the status page.", DefaultValueFactory = _ => BridgeProxyApp.DefaultPort };

var root = new RootCommand("qwenlayered-bridge: lets the Photoshop panel reach a remote QwenLayered server. Listens on 127.0.0.1 only.")
{
    server, token, port,
};
root.SetAction(async (result, cancellation) =>
{
    await using var app = BridgeProxyApp.Build(result.GetRequiredValue(server), result.GetValue(token), result.GetValue(port));
    await app.RunAsync(cancellation);
});
return await CommandLineEdge.InvokeAsync(root, args, error => HostStartup.PortInUse(error, "--port"));
