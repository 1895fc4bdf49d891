using Grpc.Core;

namespace QwenLayered.Server.Auth;

/// <summary>Carries the authenticated caller from <see cref="BearerTokenInterceptor"/> to the service.</summary>
public static class CallerContext
{
    private const string Key = "qwenlayered.caller";

    public static void SetCaller(this ServerCallContext context, Caller caller) => context.UserState[Key] = caller;

    public static Caller Caller(this ServerCallContext context) =>
        context.UserState.TryGetValue(Key, out var caller) ? (Caller)caller
        : throw new InvalidOperationException("The call was not authenticated: BearerTokenInterceptor is not installed.");
}
