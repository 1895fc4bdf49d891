using QwenLayered.Engine.Guidance;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Pipeline;

/// <summary>
/// Receives named intermediates of a decomposition (the reference's names: <c>preprocessed_image</c>,
/// <c>vae_encode_mean</c>, <c>image_latents_packed</c>, <c>latents_init_packed</c>, <c>mu</c>, <c>input_sigmas</c>,
/// <c>scheduler_timesteps</c>, <c>scheduler_sigmas</c>, <c>step{i}.transformer_timestep</c>,
/// <c>step{i}.transformer_hidden_states</c>, <c>step{i}.transformer_output_cond_full</c>,
/// <c>step{i}.transformer_output_uncond_full</c>, <c>step{i}.noise_pred_guided</c>, <c>step{i}.latents</c>,
/// <c>step{i}.image_guidance_hidden_states</c> and <c>step{i}.image_guidance_output</c> (ours: the input and velocity
/// without the image, on the steps <see cref="ImageGuidance"/> covers),
/// <c>vae_decode_input</c>, <c>vae_decode_output</c>, <c>output_images</c>). The tensor is valid only during the call.
/// </summary>
public delegate void PipelineTrace(string name, Tensor value);
