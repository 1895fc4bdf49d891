using System.Net;
using Kind = QwenLayered.Contracts.V1.JobEvent.KindOneofCase;

namespace QwenLayered.Server.Tests.Serving;

public class MetricsTests(ModelServer server) : ServingTestBase(server), IClassFixture<ModelServer>
{
    [Fact]
    public async Task Metrics_AfterAJobWithPreviews_ReportsQueueOutcomesStepTimeFirstPreviewAndMemory()
    {
        var request = Request(steps: 2);
        request.Preview = new QwenLayered.Contracts.V1.PreviewOptions { EverySteps = 1 };
        using var job = Submit(Artists.Ann, request);
        await job.ToEndAsync();

        string text = await Server.Http.GetStringAsync("/metrics", Cancellation);

        Assert.Contains("qwenlayered_queue_length 0", text);
        Assert.Contains("qwenlayered_jobs_total{outcome=\"completed\"} 1", text);
        Assert.Contains("qwenlayered_sampling_step_seconds_count 2", text);
        Assert.Contains("qwenlayered_time_to_first_preview_seconds_count 1", text);
        Assert.Matches(@"qwenlayered_model_memory_bytes [1-9]", text);
        Assert.Equal(Kind.Completed, job.Events[^1].KindCase);
    }

    [Fact]
    public async Task Metrics_OnTheGrpcPort_IsNotFound()
    {
        using var http = CleartextHttp2.Client();

        var response = await http.GetAsync($"http://127.0.0.1:{Server.GrpcPort}/metrics", Cancellation);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
