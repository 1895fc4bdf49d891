using QwenLayered.Engine.Imaging;
using QwenLayered.Toolbox.Evaluation;
using QwenLayered.Toolbox.Training.Data;

namespace QwenLayered.Toolbox.Tests.Evaluation;

public class EvaluatorTests
{
    private static readonly IReadOnlyList<LayeredScene> Scenes = SceneGenerator.Generate(seed: 1_000_000, count: 4, 32, 32);

    [Fact]
    public void Evaluate_PerfectDecomposer_ScoresIoUOneAndRecompositesLosslessly()
    {
        var report = Evaluator.Evaluate(Scenes, [new GroundTruthDecomposer(Scenes)], "test", cancellation: TestContext.Current.CancellationToken);

        var summary = Assert.Single(report.Summaries);
        Assert.Equal((4, 1.0, 1.0, 1.0, null, 4),
            (summary.Scenes, summary.MeanIoU, summary.ForegroundIoU, summary.MergedForegroundIoU, summary.MeanPsnr, summary.LosslessScenes));
    }

    [Fact]
    public void Evaluate_SingleLayerBaseline_ScoresBelowThePerfectDecomposer()
    {
        var report = Evaluator.Evaluate(Scenes, [new GroundTruthDecomposer(Scenes), new SingleLayerBaseline()], "test", cancellation: TestContext.Current.CancellationToken);

        Assert.Equal(["ground truth", "single layer"], report.Summaries.Select(s => s.Decomposer));
        Assert.True(report.Summaries[1].MeanIoU < report.Summaries[0].MeanIoU);
        Assert.Equal(0, report.Summaries[1].ForegroundIoU);
        Assert.Equal(0, report.Summaries[1].MergedForegroundIoU);
        Assert.Equal(8, report.Scenes.Count);
    }

    [Fact]
    public void Evaluate_Reference_ScoredFromTheTrueLayersAsARowAfterTheDecomposers()
    {
        var report = Evaluator.Evaluate(Scenes, [new SingleLayerBaseline()], "test", cancellation: TestContext.Current.CancellationToken,
            references: [new TrueLayers()]);

        Assert.Equal(["single layer", "true layers"], report.Summaries.Select(s => s.Decomposer));
        Assert.Equal((1.0, 1.0, 4), (report.Summaries[1].MeanIoU, report.Summaries[1].ForegroundIoU, report.Summaries[1].LosslessScenes));
    }

    [Fact]
    public void Evaluate_KMeansBaseline_RecompositesOpaqueScenesLosslessly()
    {
        var report = Evaluator.Evaluate(Scenes, [new KMeansColourBaseline()], "test", cancellation: TestContext.Current.CancellationToken);

        var summary = Assert.Single(report.Summaries);
        Assert.Equal((4, null), (summary.LosslessScenes, summary.MeanPsnr));
    }

    [Fact]
    public void Score_LayersAtTwiceTheSceneSize_AreResizedToTheScene()
    {
        var scene = Scenes[0];
        var background = new RgbaImage(scene.Width * 2, scene.Height * 2, [.. Enumerable.Repeat<byte>(255, scene.Width * scene.Height * 16)]);

        var score = Evaluator.Score(scene, 0, new FixedLayers([background]));

        Assert.Equal(1, score.LayerIoU[0]);
    }

    [Fact]
    public void Score_FrontLayersFoundButStackedInOneLayer_MergedForegroundIsPerfectAndPerLayerIsNot()
    {
        var scene = SceneGenerator.Generate(seed: 1_000_000, count: 16, 32, 32).First(s => s.Layers.Count >= 3);
        var background = new RgbaImage(scene.Width, scene.Height, scene.Layers[0].Pixels);
        // One layer holding every front layer's mask (its colour does not matter to IoU).
        var front = new RgbaImage(scene.Width, scene.Height,
            LayerMetrics.MergedAlpha([.. scene.Layers.Skip(1).Select(layer => layer.Pixels)], scene.Width * scene.Height * 4));
        var empty = new RgbaImage(scene.Width, scene.Height, new byte[scene.Width * scene.Height * 4]);

        var score = Evaluator.Score(scene, 0, new FixedLayers([front, background, .. Enumerable.Repeat(empty, scene.Layers.Count - 2)]));

        Assert.Equal(1, score.MergedForegroundIoU);
        Assert.True(score.ForegroundIoU < 1, $"foreground IoU {score.ForegroundIoU}");
    }

    [Fact]
    public void Evaluate_OneLayerScenes_HaveNoForegroundScores()
    {
        var opaque = Scenes[0].Layers[0].Pixels;
        var scene = new LayeredScene(Scenes[0].Width, Scenes[0].Height, [new SceneLayer("background", opaque)], opaque);

        var report = Evaluator.Evaluate([scene], [new SingleLayerBaseline()], "test", cancellation: TestContext.Current.CancellationToken);

        Assert.Equal((null, null), (report.Scenes[0].ForegroundIoU, report.Scenes[0].MergedForegroundIoU));
        Assert.Equal((1.0, null, null), (report.Summaries[0].MeanIoU, report.Summaries[0].ForegroundIoU, report.Summaries[0].MergedForegroundIoU));
    }

    [Fact]
    public void Evaluate_CancelledToken_Throws()
    {
        Assert.Throws<OperationCanceledException>(() =>
            Evaluator.Evaluate(Scenes, [new SingleLayerBaseline()], "test", cancellation: new CancellationToken(canceled: true)));
    }

    private sealed class TrueLayers : ILayerReference
    {
        public string Name => "true layers";

        public IReadOnlyList<RgbaImage> Layers(LayeredScene scene) =>
            [.. scene.Layers.Select(layer => new RgbaImage(scene.Width, scene.Height, layer.Pixels))];
    }

    private sealed class FixedLayers(IReadOnlyList<RgbaImage> layers) : ILayerDecomposer
    {
        public string Name => "fixed";

        public IReadOnlyList<RgbaImage> Decompose(RgbaImage image, int count) => layers;
    }
}
