using Grpc.Core;
using Grpc.Core.Interceptors;

namespace QwenLayered.Server.Auth;

/// <summary>Resolves <c>authorization: Bearer</c> metadata to a <see cref="Caller"/>, or refuses the call as UNAUTHENTICATED.</summary>
public sealed class BearerTokenInterceptor(TokenDirectory tokens) : Interceptor
{
    private const string Scheme = "Bearer ";

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Authenticate(context);
        return continuation(request, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authenticate(context);
        return continuation(request, responseStream, context);
    }

    private void Authenticate(ServerCallContext context) => context.SetCaller(CallerOf(context.RequestHeaders.GetValue("authorization")));

    /// <summary>The caller an <c>authorization</c> header (null when absent) names; UNAUTHENTICATED when it names none.</summary>
    public Caller CallerOf(string? authorization)
    {
        if (!tokens.IsEnabled) return Caller.Local;
        if (authorization is null || !authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
            throw new RpcException(new Status(StatusCode.Unauthenticated,
                "This server needs an API token: send 'authorization: Bearer <token>' metadata. Ask its administrator for a token."));
        return tokens.Find(authorization[Scheme.Length..].Trim())
            ?? throw new RpcException(new Status(StatusCode.Unauthenticated, "The API token is not known to this server. Check it, or ask its administrator for a new one."));
    }
}
