using Grpc.Core;

namespace QwenLayered.Server.Tests.Services;

/// <summary>
/// The context of a call made straight to a service method, without Kestrel. It keeps to what grpc-dotnet documents for
/// <see cref="ServerCallContext"/> (https://learn.microsoft.com/dotnet/api/grpc.core.servercallcontext and "Test gRPC
/// services in ASP.NET Core", https://learn.microsoft.com/aspnet/core/grpc/test-services): the request headers as the
/// client sent them; <c>UserState</c>, one dictionary per call shared by the interceptors and the handler;
/// <c>CancellationToken</c>, which fires when the client aborts the call or its deadline passes; a <c>Deadline</c> of
/// <see cref="DateTime.MaxValue"/> when the client set none; response headers that may be written once, before any
/// message (<see cref="TestServerStreamWriter{T}"/> sends them with the first one, as grpc-dotnet does).
/// </summary>
public sealed class TestServerCallContext(Metadata requestHeaders, CancellationToken cancellation) : ServerCallContext
{
    private readonly Dictionary<object, object> _userState = [];
    private Metadata? _responseHeaders;
    private WriteOptions? _writeOptions;

    /// <summary>A call from a client that sent these headers and may abort through <paramref name="cancellation"/>.</summary>
    public static TestServerCallContext Create(Metadata? requestHeaders = null, CancellationToken cancellation = default) =>
        new(requestHeaders ?? [], cancellation);

    /// <summary>The headers the service sent; empty ones once a message went first.</summary>
    public Metadata? ResponseHeaders => _responseHeaders;

    /// <summary>Marks the response headers sent, as the first message does when the service has sent none.</summary>
    internal void ResponseStarted() => _responseHeaders ??= [];

    protected override string MethodCore => "/qwenlayered.v1.Decomposer/Test";
    protected override string HostCore => "127.0.0.1";
    protected override string PeerCore => "ipv4:127.0.0.1:50000";
    protected override DateTime DeadlineCore => DateTime.MaxValue;
    protected override Metadata RequestHeadersCore => requestHeaders;
    protected override CancellationToken CancellationTokenCore => cancellation;
    protected override Metadata ResponseTrailersCore { get; } = [];
    protected override Status StatusCore { get; set; }

    protected override WriteOptions? WriteOptionsCore
    {
        get => _writeOptions;
        set => _writeOptions = value;
    }

    protected override AuthContext AuthContextCore { get; } = new(null, []);

    protected override IDictionary<object, object> UserStateCore => _userState;

    // grpc-dotnet does not implement context propagation on the server either.
    protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) =>
        throw new NotSupportedException("Context propagation is not supported on an ASP.NET Core gRPC server.");

    protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders)
    {
        if (_responseHeaders is not null) throw new InvalidOperationException("Response headers can only be sent once per call.");
        _responseHeaders = responseHeaders;
        return Task.CompletedTask;
    }
}
