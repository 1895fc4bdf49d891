using QwenLayered.Engine.Imaging;
using QwenLayered.Engine.Pipeline;
using QwenLayered.Engine.Runtime;
using QwenLayered.Server.Hosting;
using QwenLayered.Server.Operations;

namespace QwenLayered.Server.Jobs;

/// <summary>
/// Runs one job on one resident model and turns what the engine reports into the job's events: started, progress
/// each step, previews, each layer as soon as it is decoded, then completed, failed or cancelled. Blocking: the
/// worker calls it on a thread of its own.
/// </summary>
public sealed class DecompositionRunner(ServerMetrics metrics, ILogger<DecompositionRunner> logger)
{
    /// <returns>The outcome, as counted in the metrics: completed, failed or cancelled.</returns>
    public string Run(Job job, ResidentModel model)
    {
        var queued = DateTime.UtcNow - job.SubmittedAt;
        var spec = job.Spec;
        try
        {
            job.Cancellation.ThrowIfCancellationRequested();
            JobLogMessages.Started(logger, job.Id, job.Owner, model.Device, spec.Settings.Layers, spec.Settings.Steps, spec.Size.Width, spec.Size.Height, spec.Settings.Seed);
            var events = new EngineEventTranslator(job, metrics);
            var result = model.Model.Decompose(spec, events.Translate, job.Cancellation);

            var total = DateTime.UtcNow - job.SubmittedAt;
            JobLogMessages.Completed(logger, job.Id, job.Owner, total.TotalSeconds);
            if (spec.Settings.StepCacheThreshold > 0)
                JobLogMessages.StepCacheUsed(logger, job.Id, job.Owner, spec.Settings.StepCacheThreshold, result.CachedSteps, spec.Settings.Steps);
            return Ended("completed", () => job.Log.Append(new JobCompleted(result.Layers.Count,
            [
                new PhaseTime("queued", queued),
                .. result.Timings.Where(t => t.Phase != "total").Select(t => new PhaseTime(t.Phase, t.Duration)),
                new PhaseTime("total", total),
            ])));
        }
        catch (OperationCanceledException) when (job.Cancellation.IsCancellationRequested)
        {
            JobLogMessages.Cancelled(logger, job.Id, job.Owner, job.CancelReason ?? "");
            return Ended("cancelled", () => job.Cancelled());
        }
        catch (InvalidImageException error)
        {
            // Its header passed at submit but its pixels do not decode (a truncated file, say): the artist's to fix.
            JobLogMessages.InputUndecodable(logger, job.Id, job.Owner, error.Message);
            return Ended("failed", () => job.Log.Append(new JobFailed(JobFailure.BadInput, error.Message)));
        }
        catch (Exception error)
        {
            // One job's failure (bad input the checks missed, out of memory, a model computing NaN) ends that job only;
            // the worker goes on.
            JobLogMessages.Failed(logger, job.Id, job.Owner, error);
            return Ended("failed", () => job.Log.Append(Failure(error, job.Id)));
        }
    }

    // Counted before the outcome is published, so that whoever sees the job end finds it in the metrics.
    private string Ended(string outcome, Action publish)
    {
        metrics.Jobs.WithLabels(outcome).Inc();
        publish();
        return outcome;
    }

    // What the artist reads: what to change where they can, else what the operator needs to look for.
    private static JobFailed Failure(Exception error, string jobId) => error switch
    {
        _ when error.Message.Contains("out of memory", StringComparison.OrdinalIgnoreCase) =>
            new(JobFailure.OutOfMemory, "The server ran out of device memory for this job. Try fewer layers or a lower resolution."),
        NonFiniteValuesException =>
            new(JobFailure.Internal, $"{error.Message} Ask the server's operator to run the model in fp32 (Engine:Dtype) or check its weights (job {jobId})."),
        _ => new(JobFailure.Internal, $"The decomposition failed on the server ({error.Message}). Its log has the details (job {jobId})."),
    };

    /// <summary>
    /// Engine events of one run → job events: Started once the prompt and the layer count are known (captioned when the
    /// prompt was empty, chosen by the model when the count was automatic), previews and layers (with the model's names) encoded as PNG.
    /// </summary>
    private sealed class EngineEventTranslator(Job job, ServerMetrics metrics)
    {
        private TimeSpan _lastStepAt;
        private bool _previewSeen;

        public void Translate(DecompositionEvent engineEvent)
        {
            switch (engineEvent)
            {
                case PromptReady ready:
                    var spec = job.Spec;
                    var (width, height) = spec.Settings.Canvas(spec.Image.Width, spec.Image.Height, spec.Size);
                    job.Log.Append(new JobStarted(spec.Settings.Seed, width, height, ready.Layers, spec.Settings.Steps, ready.Prompt));
                    break;
                case SamplingProgress progress:
                    metrics.StepSeconds.Observe((progress.Elapsed - _lastStepAt).TotalSeconds);
                    _lastStepAt = progress.Elapsed;
                    job.Log.Append(new JobProgress(progress.Step, progress.TotalSteps, progress.Elapsed, progress.EstimatedRemaining));
                    break;
                case LayerPreview preview:
                    if (!_previewSeen) metrics.FirstPreviewSeconds.Observe((DateTime.UtcNow - job.SubmittedAt).TotalSeconds);
                    _previewSeen = true;
                    job.Log.Append(new JobPreview(preview.Step, preview.LayerIndex, LayerPng.Encode8(preview.Rgba, preview.Width, preview.Height)));
                    break;
                case DecodedLayer layer:
                    foreach (var update in LayerChunks.Split(ToLayer(layer, job.Spec.Settings.SixteenBit))) job.Log.Append(update);
                    break;
            }
        }

        private static JobLayer ToLayer(DecodedLayer layer, bool sixteenBit)
        {
            var deep = sixteenBit ? layer.Rgba16 : null;
            var png = LayerPng.Encode(layer.Rgba8, deep, layer.Width, layer.Height);
            var bounds = layer.CanvasBounds() is { } b ? new LayerBounds(b.X, b.Y, b.Width, b.Height) : (LayerBounds?)null;
            return new JobLayer(layer.Index, DecompositionPolicy.LayerName(layer), png, bounds)
            {
                X = layer.X, Y = layer.Y, Width = layer.Width, Height = layer.Height, BitsPerChannel = deep is null ? 8 : 16,
            };
        }
    }
}
