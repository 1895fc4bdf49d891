
namespace QwenLayered.Server.Tests.EndToEnd;

/// <summary>
/// A result is never lost (issue #29, defect 2), end to end: the panel's own controller under Node, as index.js wires
/// it up, decomposes a mock Photoshop document through qwenlayered-bridge to qwenlayered serve, and Photoshop is modal
/// when the layers come back, so executeAsModal rejects ("host is in a modal state", Adobe's executeAsModal page). The
/// script (plugin-uxp/test/end-to-end/run-panel-modal.mjs) steps the panel's own retry by hand: once while Photoshop is
/// still modal, once after the modal state ended.
/// </summary>
public class PanelModalInsertEndToEndTests(PanelStack stack) : IClassFixture<PanelStack>
{
    private const int Steps = 3;
    private const int Width = 64, Height = 48;

    [Fact]
    public async Task PanelController_InsertMeetsModalState_KeepsTheResultAndItsRetryInsertsEveryLayerOnceWhenPhotoshopIsFree()
    {
        await using var panel = PanelScript.Start("run-panel-modal.mjs", $"ws://127.0.0.1:{stack.ProxyPort}/panel", Width, Height, Steps);

        var report = await panel.ReportAsync(() => stack.Output);

        Assert.Empty(report.GetProperty("errors").EnumerateArray());
        var job = report.GetProperty("job");
        var (jobId, seed) = (job.GetProperty("jobId").GetString()!, job.GetProperty("seed").GetString()!);
        var layers = report.GetProperty("serverLayers");
        var snapshots = report.GetProperty("snapshots");
        // The result came while Photoshop was modal: kept, saved for a reload, nothing inserted, the artist told why.
        var kept = snapshots.GetProperty("kept");
        InsertedLayers.AssertKeptAndNothingInserted(kept, layers, jobId, seed);
        Assert.Contains(kept.GetProperty("viewErrors").EnumerateArray(), e => e.GetString()!.StartsWith("Photoshop is busy", StringComparison.Ordinal));
        // A retry while Photoshop is still modal inserts nothing and waits for the next.
        var stillModal = snapshots.GetProperty("stillModal");
        InsertedLayers.AssertKeptAndNothingInserted(stillModal, layers, jobId, seed);
        Assert.True(stillModal.GetProperty("heldTimers").GetInt32() > 0, "The panel stopped retrying while Photoshop was still modal.");
        // The retry after the modal state ended inserts every layer once; nothing is left to insert it again.
        InsertedLayers.AssertEveryLayerInsertedOnce(snapshots.GetProperty("inserted"), layers, jobId, seed);
        var final = snapshots.GetProperty("final");
        InsertedLayers.AssertEveryLayerInsertedOnce(final, layers, jobId, seed);
        Assert.Equal(0, final.GetProperty("heldTimers").GetInt32());
    }
}
