// The decompose form as the served model wants it, from the welcome's server summary: its resolutions and default
// steps, what an empty prompt does, the layer limit. Every picker offers "Model default" first, which sends 0: the
// server fills in the model's own value, so the panel never sends a number the model was not made for. A bridge
// older than these fields leaves only "Model default". "Automatic" layers lets the server count the image's elements.

// A picker choice: the value sent (0 = the model's default) and its label.
const choice = (value, label) => ({ value, label });
// The layers picker's "Automatic": never sent as a count; the submit asks the server to choose (automaticLayers).
const AUTOMATIC_LAYERS = -1;
const modelDefault = (shown) => choice(0, shown ? `Model default (${shown})` : "Model default");

function formChoices(server) {
  const { defaults = {}, resolutions = [], maxSteps, maxLayers, captionsEmptyPrompt } = server;
  return {
    layers: [
      modelDefault(defaults.layers),
      ...(maxLayers ? [choice(AUTOMATIC_LAYERS, "Automatic (as many as the image has)")] : []),
      ...Array.from({ length: maxLayers || 0 }, (_, i) => choice(i + 1, String(i + 1))),
    ],
    steps: [modelDefault(defaults.steps), ...(defaults.steps ? stepChoices(defaults.steps, maxSteps) : [])],
    resolutions: [
      modelDefault(defaults.resolution && `${defaults.resolution} px`),
      ...resolutions.map((r) => choice(r, resolutions.length > 1 && r === Math.min(...resolutions) ? `${r} px (faster)` : `${r} px`)),
    ],
    ready: Boolean(server.modelLoaded), // submit stays off until the server has a model to run
    promptPlaceholder: captionsEmptyPrompt ? "optional: what the image shows (empty: the model describes it)" : "optional: what the image shows",
  };
}

// Half and twice the model's steps, within the server's limit: a quicker draft and a finer run.
function stepChoices(modelSteps, maxSteps) {
  const fewer = Math.max(1, Math.round(modelSteps / 2));
  const more = Math.min(maxSteps, modelSteps * 2);
  return [
    ...(fewer < modelSteps ? [choice(fewer, `${fewer} (faster)`)] : []),
    ...(more > modelSteps ? [choice(more, `${more} (finer)`)] : []),
  ];
}

module.exports = { formChoices, AUTOMATIC_LAYERS };
