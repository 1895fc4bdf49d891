namespace QwenLayered.Toolbox.Parity;

/// <summary>Removes forward hooks when disposed (TorchSharp hands back a remover with a <c>remove</c> method).</summary>
internal sealed class HookRemoval(params Action[] removers) : IDisposable
{
    public void Dispose()
    {
        foreach (var remove in removers) remove();
    }
}
