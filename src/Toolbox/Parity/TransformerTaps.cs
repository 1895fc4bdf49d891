using QwenLayered.Engine.Transformer;
using static TorchSharp.torch;

namespace QwenLayered.Toolbox.Parity;

/// <summary>
/// The named intermediates of a transformer's forward, read with forward hooks on its submodules, under the
/// reference's names: <c>img_in</c>, <c>txt_norm</c>, <c>txt_in</c>, <c>timesteps_proj</c>, <c>temb</c>,
/// <c>rope_vid_freqs_real</c>, <c>rope_vid_freqs_imag</c>, <c>rope_txt_freqs_real</c>, <c>rope_txt_freqs_imag</c>,
/// <c>block{i}.encoder_hidden_states</c>, <c>block{i}.hidden_states</c> and <c>norm_out</c>. Each tensor is valid
/// only during the call. Disposing removes the hooks.
/// </summary>
internal sealed class TransformerTaps : IDisposable
{
    private readonly List<IDisposable> _hooks = [];

    public TransformerTaps(QwenImageTransformer2DModel model, Action<string, Tensor> tap)
    {
        foreach (var (name, module) in model.named_modules())
        {
            switch (module)
            {
                case nn.Module<Tensor, Tensor> layer when name is "img_in" or "txt_norm" or "txt_in":
                    _hooks.Add(new HookRemoval(layer.register_forward_hook((_, _, output) => { tap(name, output); return output; }).remove));
                    break;
                case nn.Module<Tensor, Tensor, Tensor> norm when name == "norm_out":
                    _hooks.Add(new HookRemoval(norm.register_forward_hook((_, _, _, output) => { tap(name, output); return output; }).remove));
                    break;
                case nn.Module<Tensor, Tensor?, (Tensor Projection, Tensor Embedding)> time when name == "time_text_embed":
                    _hooks.Add(new HookRemoval(time.register_forward_hook((_, _, _, output) =>
                    {
                        tap("timesteps_proj", output.Projection);
                        tap("temb", output.Embedding);
                        return output;
                    }).remove));
                    break;
                case QwenImageTransformerBlock block when name.StartsWith("transformer_blocks.", StringComparison.Ordinal):
                    string index = name["transformer_blocks.".Length..];
                    if (index == "0")
                        _hooks.Add(new HookRemoval(block.register_forward_pre_hook((_, _, _, _, rope, _) =>
                        {
                            tap("rope_vid_freqs_real", rope.Image.Cos);
                            tap("rope_vid_freqs_imag", rope.Image.Sin);
                            tap("rope_txt_freqs_real", rope.Text.Cos);
                            tap("rope_txt_freqs_imag", rope.Text.Sin);
                            return null;
                        }).remove));
                    _hooks.Add(new HookRemoval(block.register_forward_hook((_, _, _, _, _, _, output) =>
                    {
                        tap($"block{index}.encoder_hidden_states", output.Text);
                        tap($"block{index}.hidden_states", output.Image);
                        return output;
                    }).remove));
                    break;
            }
        }
    }

    public void Dispose()
    {
        foreach (var hook in _hooks) hook.Dispose();
        _hooks.Clear();
    }
}
