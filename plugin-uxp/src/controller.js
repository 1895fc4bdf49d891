// Ties the panel together: the form's "Decompose to layers" reads the source, sends it through the connection,
// follows the job's events and inserts the result. Network waits happen here, outside any modal scope.
const { Connection, ConnectionState } = require("./connection.js");
const { Job, JobState, describeError, describeJob } = require("./jobs.js");
const { SourceError, DocumentChangedError } = require("./photoshop.js");
const { encodePng, decodePng } = require("./png.js");
const { resizeRgba } = require("./pixels.js");
const { formChoices } = require("./form.js");
const { isWaiting, resumeFrame, lostJobText } = require("./reconnect.js");
const { withRegion, masked } = require("./selection.js");
const { JobQueue, uploadedBytes } = require("./queue.js");

const CLIENT = "qwenlayered-panel";

class PanelController {
  // host: photoshop.js; view: ui.js (or a test double); settings: settings.js; WebSocket: the WebSocket class.
  constructor({ host, view, settings, WebSocket, timers = globalThis }) {
    Object.assign(this, { host, view, settings, WebSocket, timers });
    this.connection = null;
    this.jobs = new JobQueue();
  }

  async connect() {
    if (this.connection) this.connection.stop();
    this.connection = new Connection({
      address: this.settings.address(), token: await this.settings.token(), client: CLIENT,
      WebSocket: this.WebSocket, timers: this.timers,
      events: {
        onState: (state) => this.view.showConnection(state, state === ConnectionState.Connected ? this.serverLine : ""),
        onWelcome: (welcome) => this.welcomed(welcome),
        onMessage: (message, payload) => this.received(message, payload),
        onError: (error) => this.failed(error),
      },
    });
    this.connection.start();
  }

  welcomed({ server }) {
    this.serverLine = `server ${server.serverVersion}, ` + (server.modelLoaded ? server.modelName : "no model loaded");
    this.view.showConnection(ConnectionState.Connected, this.serverLine);
    this.view.showForm(formChoices(server));
    this.view.clearError();
    // Resume: after a reconnect every job in hand, after a panel reload the one remembered.
    const saved = this.settings.unfinishedJob();
    if (!this.jobs.latest && saved && saved.jobId) {
      const job = new Job(saved.clientRequestId, saved.source);
      job.jobId = saved.jobId;
      this.jobs.add(job);
      this.show(job);
    }
    for (const job of this.jobs.unfinished()) {
      const resume = resumeFrame(job);
      if (resume) this.connection.send(resume.message, resume.payload);
    }
  }

  // "Decompose this layer further": the active layer (a layer of an earlier result, say) is decomposed and replaced by
  // its own group of layers, in one history step (placement.js).
  async decomposeFurther(form) {
    return this.decompose({ ...form, source: "layer" }, { replace: true });
  }

  // Another job may be submitted while earlier ones wait or run: they queue on the server (queue.js).
  async decompose({ source: kind, layers, prompt, resolution, steps }, { replace = false } = {}) {
    this.view.clearError();
    let source;
    try {
      source = await this.host.readSource(kind);
    } catch (e) {
      if (e instanceof SourceError) return this.view.showError(e.message);
      throw e;
    }
    const { rgba, mask, ...where } = source;
    const clientRequestId = `panel-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    const job = new Job(clientRequestId, replace ? { ...where, replace } : where);
    job.mask = mask; // in memory only: after a panel reload the server's own crop to the selection remains
    const submit = {
      type: "submit", clientRequestId, layers, prompt, steps, resolution,
      preview: { everySteps: 1, maxEdge: 128 },
    };
    try {
      // Kept until accepted, to be sent again if the connection drops first (reconnect.js).
      const payload = withRegion(submit, encodePng(rgba, source.width, source.height), mask, source.width, source.height);
      job.pendingSubmit = { message: submit, payload };
      this.connection.send(submit, payload);
    } catch (e) {
      return this.view.showError(e.message);
    }
    this.jobs.add(job);
    this.settings.setUnfinishedJob({ clientRequestId, source: where });
    this.watchUpload(job, job.pendingSubmit.payload.length);
  }

  // Upload progress while the image leaves the panel, checked every quarter second until it is all sent.
  watchUpload(job, total) {
    job.uploaded = uploadedBytes(total, this.connection.bufferedAmount);
    job.uploadTotal = total;
    this.show(job);
    if (job.uploaded < total && job.pendingSubmit) this.timers.setTimeout(() => this.watchUpload(job, total), 250);
  }

  // Cancels one job (by id; the latest when none is given) or, with cancelAll, every job the server knows.
  cancel(jobId = this.jobs.latest && this.jobs.latest.jobId) {
    const job = this.jobs.jobs.find((j) => j.jobId === jobId);
    if (job && !job.finished) this.connection.send({ type: "cancel", jobId });
  }

  cancelAll() {
    for (const job of this.jobs.unfinished()) if (job.jobId) this.connection.send({ type: "cancel", jobId: job.jobId });
  }

  // The job's progress and previews, and the queue of every job with its own cancel.
  show(job) {
    this.view.showJob(job, describeJob(job));
    if (this.view.showQueue) this.view.showQueue(this.jobs.entries(), (jobId) => this.cancel(jobId));
  }

  async received(message, payload) {
    const job = this.jobs.forMessage(message);
    if (!job || message.type === "cancelResult") return;
    job.apply(message, payload);
    if (message.type === "accepted") {
      job.pendingSubmit = null;
      this.settings.setUnfinishedJob({ jobId: job.jobId, clientRequestId: job.clientRequestId, source: job.source });
    }
    if (!job.finished) return this.show(job);
    this.finished(job);
    if (job.state === JobState.Completed) await this.insert(job);
  }

  failed(error) {
    const job = this.jobs.forError(error);
    if (job && !isWaiting(error)) {
      job.state = JobState.Failed;
      job.message = error.code === "not_found" ? lostJobText() : error.message;
      this.finished(job);
    }
    this.view.showError(describeError(error));
  }

  finished(job) {
    const saved = this.settings.unfinishedJob();
    if (saved && saved.clientRequestId === job.clientRequestId) this.settings.clearUnfinishedJob();
    this.jobs.prune();
    this.show(job);
  }

  async insert(job) {
    const { source } = job;
    const layers = job.layers.map(({ name, png }) => {
      const image = decodePng(png);
      const rgba = resizeRgba(image.rgba, image.width, image.height, source.width, source.height);
      return { name, rgba: job.mask ? masked(rgba, job.mask) : rgba };
    });
    const groupName = `${source.name} (seed ${job.seed})`;
    try {
      await this.host.insertLayers(source, layers, groupName);
    } catch (e) {
      if (!(e instanceof DocumentChangedError)) return this.view.showError(`Could not insert the layers: ${e.message}`);
      this.view.offerNewDocument(`${e.message} Insert the layers into a new document instead?`,
        () => this.host.insertIntoNewDocument(source, layers, groupName));
    }
  }
}

module.exports = { PanelController };
