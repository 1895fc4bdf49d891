using QwenLayered.Engine.Pipeline;

namespace QwenLayered.Engine.Tests.Pipeline;

public class DecompositionSettingsTests
{
    private static readonly WorkingSize Size = new(64, 64, 8, 8) { OutputWidth = 64, OutputHeight = 48 };

    [Fact]
    public void Canvas_FullResolution_IsTheSourcesSize() =>
        Assert.Equal((4000, 3000), new DecompositionSettings { FullResolution = true }.Canvas(4000, 3000, Size));

    [Fact]
    public void Canvas_WorkingSize_IsTheWorkingOutputSize() =>
        Assert.Equal((64, 48), new DecompositionSettings { FullResolution = false }.Canvas(4000, 3000, Size));
}
