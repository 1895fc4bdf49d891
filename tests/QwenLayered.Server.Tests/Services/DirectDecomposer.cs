using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using QwenLayered.Contracts.V1;
using QwenLayered.Server.Auth;
using QwenLayered.Server.Services;
using QwenLayered.Server.Tests.Serving;

namespace QwenLayered.Server.Tests.Services;

/// <summary>
/// The Decomposer service of a server's own services (as <see cref="Hosting.ServerApp"/> composes them), called
/// straight rather than over the network. Each call goes as grpc-dotnet takes it: a service instance of its own,
/// activated from the services, behind the <see cref="BearerTokenInterceptor"/> that the server installs.
/// </summary>
public sealed class DirectDecomposer(IServiceProvider services)
{
    public Task<ServerInfo> GetServerInfoAsync(string? token) =>
        Interceptor().UnaryServerHandler<GetServerInfoRequest, ServerInfo>(new GetServerInfoRequest(), Context(token), Service().GetServerInfo);

    public Task<CancelResponse> CancelAsync(string? token, string jobId) =>
        Interceptor().UnaryServerHandler<CancelRequest, CancelResponse>(new CancelRequest { JobId = jobId }, Context(token), Service().Cancel);

    public DirectCall Decompose(string? token, DecomposeRequest request) =>
        new(Headers(token), (stream, context) => Interceptor().ServerStreamingServerHandler(request, stream, context, Service().Decompose));

    public DirectCall Attach(string? token, string jobId, ulong afterSequence = 0) =>
        new(Headers(token), (stream, context) => Interceptor().ServerStreamingServerHandler(
            new AttachRequest { JobId = jobId, AfterSequence = afterSequence }, stream, context, Service().Attach));

    private DecomposerService Service() => ActivatorUtilities.CreateInstance<DecomposerService>(services);

    private BearerTokenInterceptor Interceptor() => ActivatorUtilities.CreateInstance<BearerTokenInterceptor>(services);

    private static TestServerCallContext Context(string? token) => TestServerCallContext.Create(Headers(token), TestContext.Current.CancellationToken);

    private static Metadata Headers(string? token) => token is null ? [] : Artists.Bearer(token);
}
