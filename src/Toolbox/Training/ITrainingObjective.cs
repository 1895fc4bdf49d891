using static TorchSharp.torch;

namespace QwenLayered.Toolbox.Training;

/// <summary>One stage's model and loss: what the trainer optimises and what a checkpoint writes.</summary>
internal interface ITrainingObjective : IDisposable
{
    /// <summary>The model folder component this stage trains (<c>vae</c> or <c>transformer</c>).</summary>
    string Component { get; }

    nn.Module Model { get; }

    /// <summary>The loss of step <paramref name="step"/>, its randomness drawn from <paramref name="random"/> and <paramref name="generator"/>.</summary>
    Tensor Loss(Random random, Generator generator);

    /// <summary>
    /// The component's <c>config.json</c> content to write with its weights; null when the weights compute NaN or
    /// infinite numbers for it.
    /// </summary>
    object? ConfigToSave();
}
