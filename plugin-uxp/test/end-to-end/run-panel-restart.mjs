// The panel's reconnect, end to end, through its own controller into the mock Photoshop (panel-in-node.mjs): the
// panel decomposes the mock document through a live bridge and, once the job is accepted, prints the line
// "accepted JOB_ID" (and "server_unreachable" whenever the bridge says so). The test
// (tests/QwenLayered.Server.Tests/EndToEnd/PanelRestartEndToEndTests.cs) then kills the bridge and restarts the server
// (and the bridge) on the same ports. The panel must come back by itself, resume the job after the last event it saw,
// insert every layer once into the document and mark the result inserted; the JSON report printed last says what it
// saw and what the document and the results history hold.
// Usage: node --experimental-websocket run-panel-restart.mjs ADDRESS WIDTH HEIGHT STEPS TIME_LIMIT_MS
// The time limit only stops a hung run, with its report so far: waits are on messages, never on the clock.
import { createRequire } from "node:module";
import { panelInNode, serverLayer, printReport } from "./panel-in-node.mjs";

const require = createRequire(import.meta.url);
const { isWaiting } = require("../../src/reconnect.js");

const [address, width, height, steps, timeLimit] = process.argv.slice(2);
const timeLimitMs = Number(timeLimit);
if (!(timeLimitMs > 0) || !(Number(steps) > 0) || !(Number(width) > 0) || !(Number(height) > 0)) {
  console.error("Usage: run-panel-restart.mjs ADDRESS WIDTH HEIGHT STEPS TIME_LIMIT_MS");
  process.exit(2);
}
// connections: how many welcomes; events: the job's events as the controller handled them, with the connection they
// came on; serverLayers: each layer event's name, offset, size and pixels as the server sent them.
const report = { connections: 0, states: [], errors: [], events: [], serverLayers: [] };
const finished = new Set(["completed", "failed", "cancelled"]);

const panel = panelInNode({
  address, width: Number(width), height: Number(height),
  on: {
    welcomed: (count) => {
      report.connections = count;
      if (count === 1) {
        panel.decompose({ source: "document", layers: 2, steps: Number(steps), seed: "11", prompt: "restart" })
          .catch((e) => finish(`The decompose failed: ${e.message}`));
      }
    },
    received: async (message, payload, connection) => {
      if (message.sequence === undefined) return;
      report.events.push({ type: message.type, sequence: message.sequence, index: message.index, connection, payloadBytes: payload ? payload.length : 0 });
      if (message.type === "layer") report.serverLayers.push(serverLayer(message, payload));
      if (message.type === "accepted") process.stdout.write(`accepted ${message.jobId}\n`);
      // The controller's handling of the last event, the insert included, is over.
      if (finished.has(message.type)) await finish(null);
    },
    failed: (error) => {
      report.errors.push(error);
      // The test starts the server only once the bridge said it cannot reach it: the panel must wait it out.
      if (error.code === "server_unreachable") process.stdout.write("server_unreachable\n");
      if (!isWaiting(error)) finish(`The panel was told (${error.code}): ${panel.view.errors.at(-1)}`);
    },
  },
});
const { showConnection } = panel.view;
panel.view.showConnection = (state, detail) => {
  showConnection(state, detail);
  report.states.push(state);
  process.stderr.write(`${new Date().toISOString()} ${state}\n`);
  // Only a fatal error stops a connection before the end: the panel would wait for a Connect that never comes.
  if (state === "stopped" && !done) finish("The panel stopped reconnecting.");
};

let done = false;
async function finish(failure) {
  if (done) return;
  done = true;
  panel.stop();
  const job = panel.controller.jobs.latest;
  const outcome = job && { jobId: job.jobId, state: job.state, message: job.message, seed: job.seed, layers: job.layers.filter(Boolean).map((l) => l.name) };
  // What the panel sent to pick the job up again after a welcome: attaches, or a submit sent again.
  const resumed = panel.sent.filter((m) => m.type === "attach").concat(panel.sent.filter((m) => m.type === "submit").slice(1));
  printReport({ ...report, job: outcome, resumed, viewErrors: panel.view.errors, ...(await panel.snapshot()) }, failure);
}

setTimeout(() => finish(`No outcome within ${timeLimitMs} ms.`), timeLimitMs).unref();
panel.start().catch((e) => finish(`The panel did not start: ${e.message}`));
