// A job as the panel sees it, built from the bridge's events, and the readable text for every error.
const { LayerAssembly } = require("./protocol.js");
const JobState = Object.freeze({
  Submitting: "submitting", Queued: "queued", Running: "running",
  Completed: "completed", Failed: "failed", Cancelled: "cancelled",
});

const FINISHED = new Set([JobState.Completed, JobState.Failed, JobState.Cancelled]);

class Job {
  constructor(clientRequestId, source) {
    this.clientRequestId = clientRequestId;
    this.source = source; // where the result goes: document, bounds, name (no pixels)
    this.jobId = null;
    this.state = JobState.Submitting;
    this.lastSequence = 0;
    this.queuePosition = null;
    this.seed = null;
    this.layerCount = 0;
    this.step = 0;
    this.totalSteps = 0;
    this.remainingMs = null;
    this.previews = new Map(); // layer index -> PNG bytes of the latest preview
    this.layers = []; // index -> { name, x, y, width, height, bitsPerChannel, png } once every piece is in
    this.assembling = null; // the layer whose PNG pieces are still coming
    this.message = null;
  }

  get finished() {
    return FINISHED.has(this.state);
  }

  // Applies one event of this job; a replayed one (after an attach) is ignored.
  apply(event, payload) {
    if (event.sequence <= this.lastSequence) return;
    this.lastSequence = event.sequence;
    this.jobId = event.jobId;
    switch (event.type) {
      case "accepted":
      case "queuePosition":
        this.state = JobState.Queued;
        this.queuePosition = event.queuePosition;
        break;
      case "started":
        Object.assign(this, { state: JobState.Running, seed: event.seed, layerCount: event.layers, totalSteps: event.steps });
        break;
      case "progress":
        Object.assign(this, { state: JobState.Running, step: event.step, totalSteps: event.totalSteps, remainingMs: event.remainingMs });
        break;
      case "preview":
        this.previews.set(event.layerIndex, payload);
        break;
      case "layer":
        this.assembling = new LayerAssembly(event, payload);
        this.layers[event.index] = this.assembling.finished() || undefined;
        break;
      case "layerChunk":
        this.layers[event.layerIndex] = this.assembling.add(event, payload) || undefined;
        break;
      case "completed":
        this.state = JobState.Completed;
        break;
      case "failed":
        Object.assign(this, { state: JobState.Failed, message: event.message });
        break;
      case "cancelled":
        Object.assign(this, { state: JobState.Cancelled, message: event.reason });
        break;
    }
  }
}

// What the artist reads for an error message from the bridge (or the panel's own "bridge_unreachable").
function describeError(error) {
  switch (error.code) {
    case "bridge_unreachable":
      return `No QwenLayered bridge answers at ${error.address}. Start "qwenlayered serve" or "qwenlayered-bridge" and check the address.`;
    case "server_unreachable":
      return `The bridge cannot reach the QwenLayered server: ${error.message} It keeps trying; the panel goes on where it was once the server answers.`;
    case "bad_token":
      return `The server refused the token. Check the token in the panel (or the bridge's --token). ${error.message}`;
    case "version_mismatch":
      return `Version mismatch: ${error.message}`;
    case "busy":
      return `The server is busy: ${error.message} Try again when the queue is shorter.`;
    case "server_unavailable":
      return `The server cannot take jobs right now: ${error.message}`;
    case "invalid_request":
      return `The server refused the request: ${error.message}`;
    default:
      return error.message;
  }
}

function formatDuration(ms) {
  const seconds = Math.max(0, Math.round(ms / 1000));
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

// One line for the progress area.
function describeJob(job) {
  switch (job.state) {
    case JobState.Submitting:
      return job.uploadTotal ? `Sending the image… ${Math.floor((100 * job.uploaded) / job.uploadTotal)}%` : "Sending the image…";
    case JobState.Queued:
      return job.queuePosition > 0 ? `Server busy: ${job.queuePosition} job(s) ahead of yours.` : "Queued: yours is next.";
    case JobState.Running:
      return job.totalSteps === 0 ? "Starting…"
        : `Step ${job.step} of ${job.totalSteps}` + (job.remainingMs === null ? "" : `, about ${formatDuration(job.remainingMs)} left`);
    case JobState.Completed: return `Done: ${job.layers.length} layers.`;
    case JobState.Failed: return `Failed: ${job.message}`;
    case JobState.Cancelled: return `Cancelled: ${job.message}`;
  }
}

module.exports = { JobState, Job, describeError, describeJob };
