using Grpc.Core;
using QwenLayered.Server.Jobs;

namespace QwenLayered.Server.Services;

/// <summary>The one place where what the scheduler refuses becomes a gRPC status, keeping the scheduler's words.</summary>
public static class SchedulingErrors
{
    public static RpcException ToRpc(JobSchedulingException error) => new(new Status(CodeOf(error), error.Message));

    /// <summary>Runs <paramref name="call"/>, turning what the scheduler refuses into its status.</summary>
    public static async Task<T> MappedAsync<T>(Func<ValueTask<T>> call)
    {
        try
        {
            return await call();
        }
        catch (JobSchedulingException error)
        {
            throw ToRpc(error);
        }
    }

    private static StatusCode CodeOf(JobSchedulingException error) => error switch
    {
        JobRefusedException { Reason: RefusalReason.ShuttingDown } => StatusCode.Unavailable,
        JobRefusedException => StatusCode.ResourceExhausted,
        JobStoreUnavailableException => StatusCode.Unavailable,
        JobStoreFormatException => StatusCode.FailedPrecondition,
        JobNotFoundException => StatusCode.NotFound,
        JobNotYoursException => StatusCode.PermissionDenied,
        ResultUnreadableException => StatusCode.DataLoss,
        _ => StatusCode.Internal,
    };
}
