using Google.Protobuf;
using Grpc.Core;
using QwenLayered.Contracts.V1;

namespace QwenLayered.Server.Services;

/// <summary>
/// Binds the Decomposer service as its generated code does, except that a request message that cannot be parsed (bad
/// protobuf, a string that is not UTF-8) is answered with INVALID_ARGUMENT and a message rather than Grpc.AspNetCore's
/// UNKNOWN "Exception was thrown by handler.". Grpc.AspNetCore parses a request before any interceptor or service
/// method runs, so its deserializer is the one place that sees the error. <see cref="DecomposerService"/> names this
/// binder in its <see cref="BindServiceMethodAttribute"/>, which wins over the generated base class's.
/// </summary>
public static class DecomposerBinding
{
    public static void BindService(ServiceBinderBase binder, Decomposer.DecomposerBase service) =>
        Decomposer.BindService(new CheckingBinder(binder), service);

    // The contract has unary and server-streaming methods only; the base class refuses any other kind at startup.
    private sealed class CheckingBinder(ServiceBinderBase binder) : ServiceBinderBase
    {
        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler) =>
            binder.AddMethod(Checked(method), handler);

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler) =>
            binder.AddMethod(Checked(method), handler);
    }

    private static Method<TRequest, TResponse> Checked<TRequest, TResponse>(Method<TRequest, TResponse> method)
        where TRequest : class where TResponse : class
    {
        var parse = method.RequestMarshaller.ContextualDeserializer;
        var marshaller = Marshallers.Create(method.RequestMarshaller.ContextualSerializer, context =>
        {
            try
            {
                return parse(context);
            }
            catch (InvalidProtocolBufferException error)
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument,
                    $"The {method.Name} request is not a valid {typeof(TRequest).Name} message ({error.Message}). " +
                    "Send a message of the qwenlayered.v1 contract (protos/qwenlayered/v1/decomposer.proto), its strings in UTF-8."));
            }
        });
        return new Method<TRequest, TResponse>(method.Type, method.ServiceName, method.Name, marshaller, method.ResponseMarshaller);
    }
}
