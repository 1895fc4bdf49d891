// An insert that meets a modal Photoshop, end to end: the panel's own controller decomposes the mock document
// (panel-in-node.mjs) through a live bridge, and once the source is read Photoshop turns modal (the artist edits text),
// so executeAsModal rejects as Adobe documents. The result must be kept (listed, and saved in the plugin's data folder
// where a reloaded panel finds it) with nothing inserted. The panel's own retry is then stepped, by hand instead of
// by its timer: once while Photoshop is still modal (nothing inserted yet), once after the modal state ended (every
// layer inserted, once). The JSON report printed at the end holds a snapshot after each of the three points, for
// tests/QwenLayered.Server.Tests/EndToEnd/PanelModalInsertEndToEndTests.cs.
// Usage: node --experimental-websocket run-panel-modal.mjs ADDRESS WIDTH HEIGHT STEPS TIME_LIMIT_MS
// The time limit only stops a hung run, with its report so far: waits are on messages, never on the clock.
import { panelInNode, serverLayer, printReport } from "./panel-in-node.mjs";

const [address, width, height, steps, timeLimit] = process.argv.slice(2);
const timeLimitMs = Number(timeLimit);
if (!(timeLimitMs > 0) || !(Number(steps) > 0) || !(Number(width) > 0) || !(Number(height) > 0)) {
  console.error("Usage: run-panel-modal.mjs ADDRESS WIDTH HEIGHT STEPS TIME_LIMIT_MS");
  process.exit(2);
}
const MODAL_STATE = "text editing";

// The panel's timers, held until stepped: its retry of a modal insert (and any other timer it sets) runs only when
// the script says so.
const held = [];
const timers = {
  setTimeout: (fn) => held.push(fn),
  clearTimeout: () => {},
};
async function stepTimers() {
  const due = held.splice(0);
  for (const fn of due) await fn();
  return due.length;
}

const report = { errors: [], serverLayers: [], snapshots: {} };
const panel = panelInNode({
  address, width: Number(width), height: Number(height), timers,
  on: {
    welcomed: (count) => {
      if (count > 1) return finish("The panel connected again: this run expects one connection.");
      panel.decompose({ source: "document", layers: 2, steps: Number(steps), seed: "12", prompt: "modal" })
        .then(() => { panel.ps.core.busy = MODAL_STATE; }, (e) => finish(`The decompose failed: ${e.message}`));
    },
    received: async (message, payload) => {
      if (message.type === "layer") report.serverLayers.push(serverLayer(message, payload));
      if (message.type === "completed") await afterTheResult();
      else if (message.type === "failed" || message.type === "cancelled") await finish(`The job ended ${message.type}.`);
    },
    failed: (error) => {
      report.errors.push(error);
      finish(`The panel was told (${error.code}): ${panel.view.errors.at(-1)}`);
    },
  },
});

// The controller has kept the result and met the modal state; its retry waits in `held`.
async function afterTheResult() {
  report.job = { jobId: panel.controller.jobs.latest.jobId, seed: panel.controller.jobs.latest.seed };
  report.snapshots.kept = await snapshot();
  report.retries = { whileModal: await stepTimers() };
  report.snapshots.stillModal = await snapshot();
  panel.ps.core.busy = null;
  report.retries.afterModal = await stepTimers();
  report.snapshots.inserted = await snapshot();
  // Nothing left that could insert the result a second time.
  report.retries.afterInsert = await stepTimers();
  report.snapshots.final = await snapshot();
  await finish(null);
}

const snapshot = async () => ({ ...(await panel.snapshot()), viewErrors: [...panel.view.errors], heldTimers: held.length });

let done = false;
async function finish(failure) {
  if (done) return;
  done = true;
  panel.stop();
  printReport(report, failure);
}

setTimeout(() => finish(`No outcome within ${timeLimitMs} ms.`), timeLimitMs).unref();
panel.start().catch((e) => finish(`The panel did not start: ${e.message}`));
