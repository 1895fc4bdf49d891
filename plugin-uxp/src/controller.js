// Ties the panel together: the form's "Decompose to layers" reads the source, sends it through the connection,
// follows the job's events and inserts the result. Network waits happen here, outside any modal scope.
const { Connection, ConnectionState } = require("./connection.js");
const { Job, JobState, describeJob } = require("./jobs.js");
const { SourceError, DocumentChangedError } = require("./photoshop.js");
const { encodePng, decodePng } = require("./png.js");
const { formChoices } = require("./form.js");
const { ModalBusyError } = require("./modal.js");
const { plainError, describeFailure } = require("./words.js");
const { ResultHistory } = require("./results.js");
const { isWaiting, resumeFrame, lostJobText } = require("./reconnect.js");
const { withRegion, masked } = require("./selection.js");
const { JobQueue, uploadedBytes } = require("./queue.js");

const CLIENT = "qwenlayered-panel";
// An insert that meets a busy Photoshop is tried this many more times, this far apart, before the artist is asked.
const MODAL_RETRIES = 5;
const MODAL_RETRY_MS = 3000;

class PanelController {
  // host: photoshop.js; view: ui.js (or a test double); settings: settings.js; WebSocket: the WebSocket class;
  // results: results.js (kept in memory only when not given).
  constructor({ host, view, settings, WebSocket, timers = globalThis, results = new ResultHistory() }) {
    Object.assign(this, { host, view, settings, WebSocket, timers, results });
    this.connection = null;
    this.jobs = new JobQueue();
    // A selection's mask per kept result id, in memory only: after a panel reload the server's own crop remains.
    this.masks = new Map();
    this.modelLoaded = false;
  }

  // Shows the results an earlier panel kept; those never inserted wait for the artist's Insert.
  async restoreResults() {
    await this.results.load();
    this.showResults();
  }

  // Runs an action the artist or the bridge started, showing its failure instead of losing it.
  report(promise, what = "Something went wrong") {
    return promise.catch((e) => this.view.showError(`${what}: ${e.message}`));
  }

  async connect() {
    if (this.connection) this.connection.stop();
    this.connection = new Connection({
      address: this.settings.address(), token: await this.settings.token(), client: CLIENT,
      WebSocket: this.WebSocket, timers: this.timers,
      events: {
        onState: (state) => this.view.showConnection(state, state === ConnectionState.Connected ? this.serverLine : ""),
        onWelcome: (welcome) => this.welcomed(welcome),
        onMessage: (message, payload) => this.report(this.received(message, payload)),
        onError: (error) => this.failed(error),
      },
    });
    this.connection.start();
  }

  welcomed({ server }) {
    this.modelLoaded = server.modelLoaded;
    this.maxPixels = server.maxPixels;
    this.serverLine = `server ${server.serverVersion}, ` + (server.modelLoaded ? server.modelName : "no model loaded yet");
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
  // targetSize: send a copy scaled to it, after the artist accepted one for a source above the server's limit.
  async decompose(choices, { replace = false } = {}) {
    const { source: kind, layers, automaticLayers = false, prompt, resolution, steps, seed, targetSize } = choices;
    this.view.clearError();
    // Before the image is read and encoded: nothing to do without a server that can take it.
    if (!this.connection || this.connection.state !== ConnectionState.Connected) {
      return this.view.showError("Not connected to QwenLayered. Start it (see the status line) and press Connect.");
    }
    if (!this.modelLoaded) return this.view.showError("The server has no model loaded yet. Wait for it, then press Connect again.");
    let source;
    try {
      source = await this.host.readSource(kind, targetSize);
    } catch (e) {
      if (e instanceof SourceError || e instanceof ModalBusyError) return this.view.showError(e.message);
      throw e;
    }
    if (this.maxPixels && source.width * source.height > this.maxPixels) return this.offerSmallerCopy(source, choices, { replace });
    const { rgba, mask, ...where } = source;
    const clientRequestId = `panel-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    const job = new Job(clientRequestId, replace ? { ...where, replace } : where);
    job.mask = mask; // in memory only: after a panel reload the server's own crop to the selection remains
    // The source at its own resolution and depth: a 16-bit document asks for 16-bit layers.
    const submit = {
      type: "submit", clientRequestId, layers, automaticLayers, prompt, steps, resolution, ...(seed ? { seed } : {}),
      preview: { everySteps: 1, maxEdge: 128 }, sixteenBit: source.bits === 16,
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

  // The source goes at its own resolution up to the server's limit; above it, the artist may send a smaller copy, whose
  // layers go into a new document of the copy's size.
  offerSmallerCopy(source, choices, options) {
    const scale = Math.sqrt(this.maxPixels / (source.width * source.height));
    const targetSize = { width: Math.max(1, Math.floor(source.width * scale)), height: Math.max(1, Math.floor(source.height * scale)) };
    this.view.offerNewDocument(`The source is ${source.width}x${source.height} pixels; this server takes at most ${this.maxPixels} pixels. `
      + `Send a copy scaled to ${targetSize.width}x${targetSize.height} instead? Its layers will go into a new document of that size.`,
    () => this.report(this.decompose({ ...choices, targetSize }, options)));
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
    if (message.type === "failed") job.message = describeFailure(message.statusCode, message.message);
    if (message.type === "accepted") {
      job.pendingSubmit = null;
      this.settings.setUnfinishedJob({ jobId: job.jobId, clientRequestId: job.clientRequestId, source: job.source });
    }
    if (!job.finished) return this.show(job);
    this.finished(job);
    if (job.state !== JobState.Completed) return;
    // Kept before anything can fail: an insert that cannot run leaves the result waiting, never lost.
    const { result, saved } = this.results.keep(job);
    if (job.mask) this.masks.set(result.id, job.mask);
    this.report(saved, "The result could not be kept for after a reload");
    this.showResults();
    await this.insert(result);
  }

  // The kept results with what the artist can do with each.
  showResults() {
    this.view.showResults(this.results.list(), {
      insert: (id) => this.report(this.insert(this.results.find(id))),
      discard: (id) => this.report(this.results.discard(id).finally(() => { this.masks.delete(id); this.showResults(); })),
    });
  }

  failed(error) {
    const job = this.jobs.forError(error);
    if (job && !isWaiting(error)) {
      job.state = JobState.Failed;
      job.message = error.code === "not_found" ? lostJobText() : error.message;
      this.finished(job);
    }
    this.view.showError(plainError(error));
  }

  finished(job) {
    const saved = this.settings.unfinishedJob();
    if (saved && saved.clientRequestId === job.clientRequestId) this.settings.clearUnfinishedJob();
    this.jobs.prune();
    this.show(job);
  }

  // Inserts a kept result ({ id, source, seed, layers: [{ name, x, y, png }] }); a busy Photoshop is waited for, then
  // the artist asked (the result keeps its Insert button).
  async insert(result, retries = MODAL_RETRIES) {
    if (!result || !this.results.find(result.id)) return; // discarded meanwhile
    const { source } = result;
    // Each layer as the server placed it: its own pixels at its offset on the source.
    // A selection's result only where it was selected: a feathered edge stays soft (selection.js).
    const mask = this.masks.get(result.id);
    const layers = result.layers.map(({ name, x, y, png }) => {
      const layer = { name, x, y, ...decodePng(png) };
      return mask ? { ...layer, rgba: masked(layer, mask, source.width) } : layer;
    });
    const groupName = `${source.name} (seed ${result.seed})`;
    const inserted = () => this.report(this.results.markInserted(result.id).finally(() => this.showResults()));
    try {
      // A copy scaled for the server has its own document: its layers do not fit the source.
      if (source.scaled) await this.host.insertIntoNewDocument(source, layers, groupName);
      else await this.host.insertLayers(source, layers, groupName);
      if (retries < MODAL_RETRIES) this.view.clearError();
      await inserted();
    } catch (e) {
      if (e instanceof ModalBusyError) {
        if (retries > 0) {
          this.view.showError(`${e.message} The layers will be inserted when it is free.`);
          // Unless the artist pressed Insert meanwhile.
          this.timers.setTimeout(() => result.inserted || this.report(this.insert(result, retries - 1)), MODAL_RETRY_MS);
        } else {
          this.view.showError(`${e.message} The layers are kept: press Insert when Photoshop is free.`);
        }
        return;
      }
      if (!(e instanceof DocumentChangedError)) return this.view.showError(`Could not insert the layers (they are kept): ${e.message}`);
      this.view.offerNewDocument(`${e.message} Insert the layers into a new document instead?`,
        () => this.report(this.host.insertIntoNewDocument(source, layers, groupName).then(inserted), "Could not insert the layers into a new document"));
    }
  }
}

module.exports = { PanelController };
