using static TorchSharp.torch;

namespace QwenLayered.Toolbox.Training;

/// <summary>
/// Switches a model built for inference (parameters frozen, forwards under <c>no_grad</c>) to training: <c>train()</c>
/// makes its forwards record the autograd graph and every parameter requires a gradient.
/// </summary>
public static class TrainingMode
{
    public static T Enable<T>(T module) where T : nn.Module
    {
        module.train();
        foreach (var parameter in module.parameters())
            parameter.requires_grad = true;
        return module;
    }
}
