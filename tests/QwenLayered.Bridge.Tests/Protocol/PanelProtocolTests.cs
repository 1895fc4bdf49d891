namespace QwenLayered.Bridge.Tests.Protocol;

public class PanelProtocolTests
{
    [Fact]
    public void CheckCompatibility_SameVersion_Accepts()
    {
        Assert.Null(PanelProtocol.CheckCompatibility(PanelProtocol.Version));
    }

    [Fact]
    public void CheckCompatibility_OlderPanel_AsksToUpdateThePanel()
    {
        Assert.Contains("update the QwenLayered panel", PanelProtocol.CheckCompatibility(PanelProtocol.Version - 1));
    }

    [Fact]
    public void CheckCompatibility_NewerPanel_AsksToUpdateTheServer()
    {
        Assert.Contains("update the QwenLayered server or bridge", PanelProtocol.CheckCompatibility(PanelProtocol.Version + 1));
    }
}
