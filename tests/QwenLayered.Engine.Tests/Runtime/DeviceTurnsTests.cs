using QwenLayered.Engine.Runtime;

namespace QwenLayered.Engine.Tests.Runtime;

public class DeviceTurnsTests
{
    private sealed class Tenant(string name, List<string> left) : IDeviceTenant
    {
        public void LeaveDevice() => left.Add(name);
    }

    [Fact]
    public void Take_AnotherTenant_TheHolderLeavesFirst()
    {
        var left = new List<string>();
        var (transformer, textEncoder) = (new Tenant("transformer", left), new Tenant("text encoder", left));
        var turns = new DeviceTurns();

        turns.Take(transformer);
        turns.Take(textEncoder);
        turns.Take(transformer);

        Assert.Equal(["transformer", "text encoder"], left);
        Assert.Same(transformer, turns.Holder);
    }

    [Fact]
    public void Take_TheHolderAgain_NobodyLeaves()
    {
        var left = new List<string>();
        var transformer = new Tenant("transformer", left);
        var turns = new DeviceTurns();

        turns.Take(transformer);
        turns.Take(transformer);

        Assert.Empty(left);
    }
}
