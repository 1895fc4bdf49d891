using QwenLayered.Engine.Imaging;
using QwenLayered.Toolbox.Evaluation;
using QwenLayered.Toolbox.Training.Data;

namespace QwenLayered.Toolbox.Tests.Evaluation;

public class SingleLayerBaselineTests
{
    [Fact]
    public void Decompose_AnyLayerCount_ReturnsTheImageAsOneLayer()
    {
        var image = new RgbaImage(1, 1, [1, 2, 3, 255]);

        Assert.Same(image, Assert.Single(new SingleLayerBaseline().Decompose(image, layers: 3)));
    }

    [Fact]
    public void Score_GeneratedScene_RecompositesLosslesslyAndMatchesOnlyTheBackground()
    {
        var scene = SceneGenerator.Generate(seed: 7, 32, 32);

        var score = Evaluator.Score(scene, 0, new SingleLayerBaseline());

        Assert.Equal(double.PositiveInfinity, score.RecompositePsnr);
        Assert.Equal(1, score.LayerIoU[0]);
        Assert.All(score.LayerIoU.Skip(1), iou => Assert.Equal(0, iou));
        Assert.Equal(0, score.ForegroundIoU);
    }
}
