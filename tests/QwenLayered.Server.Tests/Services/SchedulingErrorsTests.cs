using Grpc.Core;
using QwenLayered.Server.Jobs;
using QwenLayered.Server.Services;

namespace QwenLayered.Server.Tests.Services;

public class SchedulingErrorsTests
{
    public static TheoryData<JobSchedulingException, StatusCode> Outcomes => new()
    {
        { new JobRefusedException(RefusalReason.ShuttingDown, "The server is shutting down."), StatusCode.Unavailable },
        { new JobRefusedException(RefusalReason.QueueFull, "The queue is full."), StatusCode.ResourceExhausted },
        { new JobRefusedException(RefusalReason.ShareFull, "Your share of the queue is full."), StatusCode.ResourceExhausted },
        { new JobNotFoundException("job-1"), StatusCode.NotFound },
        { new JobNotYoursException("job-1"), StatusCode.PermissionDenied },
        { new ResultUnreadableException("job-1", new IOException("gone")), StatusCode.DataLoss },
        { new JobStoreUnavailableException("The servers' shared job store cannot be reached.", new IOException("refused")), StatusCode.Unavailable },
        { new JobStoreFormatException("job-1", new ResultFormatException("it is of version 9")), StatusCode.FailedPrecondition },
    };

    [Theory]
    [MemberData(nameof(Outcomes))]
    public void ToRpc_EachOutcome_GetsItsStatusCodeAndKeepsTheSchedulersWords(JobSchedulingException outcome, StatusCode code)
    {
        var error = SchedulingErrors.ToRpc(outcome);

        Assert.Equal((code, outcome.Message), (error.StatusCode, error.Status.Detail));
    }

    [Fact]
    public void Messages_OfNotFoundAndNotYours_SayWhatToDo()
    {
        Assert.Equal("No job 'j' is known to this server. Check the job id, or submit the image again.", new JobNotFoundException("j").Message);
        Assert.Equal("Job 'j' belongs to another artist; only its owner or an administrator may attach to or cancel it.", new JobNotYoursException("j").Message);
    }
}
