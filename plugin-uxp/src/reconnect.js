// Picking up after the bridge or the server went away and came back: the connection reconnects by itself (forever,
// with backoff), the bridge retries a server it cannot reach, and after every welcome each unfinished job is resumed
// where it was, so no layer is lost or inserted twice (jobs.js ignores an event it has already seen).

// Errors that only mean "not reachable now": the panel waits, and a job in hand goes on once the other side is back.
const WAITING = new Set(["bridge_unreachable", "server_unreachable"]);

function isWaiting(error) {
  return WAITING.has(error.code);
}

// The frame that resumes a job after a welcome, or null when there is nothing to resume: an attach after the last
// event seen, or, for a submit that got no answer, the same submit again (the server takes a repeated client
// request id as the job it already accepted).
function resumeFrame(job) {
  if (job.finished) return null;
  if (job.jobId) return { message: { type: "attach", jobId: job.jobId, afterSequence: job.lastSequence }, payload: null };
  return job.pendingSubmit || null;
}

// What the artist reads when the server no longer knows a job the panel attaches to.
function lostJobText() {
  return "The server no longer has this job: it stopped before the job finished and kept no result (a crash or a forced " +
    "restart), or the result was kept past its time. Decompose again.";
}

module.exports = { isWaiting, resumeFrame, lostJobText };
