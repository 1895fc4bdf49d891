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

const CLIENT = "qwenlayered-panel";

class PanelController {
  // host: photoshop.js; view: ui.js (or a test double); settings: settings.js; WebSocket: the WebSocket class.
  constructor({ host, view, settings, WebSocket, timers = globalThis }) {
    Object.assign(this, { host, view, settings, WebSocket, timers });
    this.connection = null;
    this.job = null;
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
    // Resume: after a reconnect the job in hand, after a panel reload the one remembered.
    const saved = this.settings.unfinishedJob();
    if (!this.job && saved && saved.jobId) {
      this.job = new Job(saved.clientRequestId, saved.source);
      this.job.jobId = saved.jobId;
      this.view.showJob(this.job, describeJob(this.job));
    }
    const resume = this.job && resumeFrame(this.job);
    if (resume) this.connection.send(resume.message, resume.payload);
  }

  // "Decompose this layer further": the active layer (a layer of an earlier result, say) is decomposed and replaced by
  // its own group of layers, in one history step (placement.js).
  async decomposeFurther(form) {
    return this.decompose({ ...form, source: "layer" }, { replace: true });
  }

  async decompose({ source: kind, layers, prompt, resolution, steps }, { replace = false } = {}) {
    if (this.job && !this.job.finished) return;
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
    this.job = new Job(clientRequestId, replace ? { ...where, replace } : where);
    this.job.mask = mask; // in memory only: after a panel reload the server's own crop to the selection remains
    const submit = {
      type: "submit", clientRequestId, layers, prompt, steps, resolution,
      preview: { everySteps: 1, maxEdge: 128 },
    };
    try {
      // Kept until accepted, to be sent again if the connection drops first (reconnect.js).
      const payload = withRegion(submit, encodePng(rgba, source.width, source.height), mask, source.width, source.height);
      this.job.pendingSubmit = { message: submit, payload };
      this.connection.send(submit, this.job.pendingSubmit.payload);
    } catch (e) {
      this.job = null;
      return this.view.showError(e.message);
    }
    this.settings.setUnfinishedJob({ clientRequestId, source: where });
    this.view.showJob(this.job, describeJob(this.job));
  }

  cancel() {
    if (this.job && this.job.jobId && !this.job.finished) this.connection.send({ type: "cancel", jobId: this.job.jobId });
  }

  async received(message, payload) {
    const job = this.job;
    const mine = job && (message.jobId === job.jobId || (message.type === "accepted" && message.clientRequestId === job.clientRequestId));
    if (!mine || message.type === "cancelResult") return;
    job.apply(message, payload);
    if (message.type === "accepted") {
      job.pendingSubmit = null;
      this.settings.setUnfinishedJob({ jobId: job.jobId, clientRequestId: job.clientRequestId, source: job.source });
    }
    this.view.showJob(job, describeJob(job));
    if (!job.finished) return;
    this.settings.clearUnfinishedJob();
    if (job.state === JobState.Completed) await this.insert(job);
  }

  failed(error) {
    const job = this.job;
    const forJob = job && !job.finished && (error.jobId === job.jobId || error.clientRequestId === job.clientRequestId);
    if (forJob && !isWaiting(error)) {
      job.state = JobState.Failed;
      job.message = error.code === "not_found" ? lostJobText() : error.message;
      this.settings.clearUnfinishedJob();
      this.view.showJob(job, describeJob(job));
    }
    this.view.showError(describeError(error));
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
