// Several jobs at once, as artists know from Krita's queue: every submit becomes a job here with its own line and
// cancel; finished jobs leave the list once a newer one has finished too, so the latest outcome stays in view.
const { describeJob } = require("./jobs.js");

class JobQueue {
  constructor() {
    this.jobs = [];
  }

  add(job) {
    this.jobs.push(job);
  }

  get latest() {
    return this.jobs.at(-1) || null;
  }

  // The job an event belongs to: by job id, or for "accepted" by the client request id the submit carried.
  forMessage(message) {
    return this.jobs.find((job) => (job.jobId !== null && job.jobId === message.jobId)
      || (message.type === "accepted" && message.clientRequestId === job.clientRequestId)) || null;
  }

  // The unfinished job an error is about, if any.
  forError(error) {
    return this.jobs.find((job) => !job.finished && ((error.jobId && error.jobId === job.jobId)
      || (error.clientRequestId && error.clientRequestId === job.clientRequestId))) || null;
  }

  unfinished() {
    return this.jobs.filter((job) => !job.finished);
  }

  // Drops finished jobs but the newest finished one.
  prune() {
    const finished = this.jobs.filter((job) => job.finished);
    const keep = finished.at(-1);
    this.jobs = this.jobs.filter((job) => !job.finished || job === keep);
  }

  // One row per job for the view: its line, and whether it can be cancelled now (the server knows its id).
  entries() {
    return this.jobs.map((job) => ({ clientRequestId: job.clientRequestId, jobId: job.jobId, line: describeJob(job), cancellable: job.jobId !== null && !job.finished }));
  }
}

// How much of a submit has left the panel: what the socket has not sent yet is its bufferedAmount (WebSocket API).
function uploadedBytes(total, bufferedAmount) {
  return Math.max(0, total - (bufferedAmount || 0));
}

module.exports = { JobQueue, uploadedBytes };
