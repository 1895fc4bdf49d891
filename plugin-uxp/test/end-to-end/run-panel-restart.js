// The panel's reconnect, end to end: its own client modules (connection, jobs, reconnect) submit a job through a
// live bridge and, once it is accepted, print the line "accepted JOB_ID" and wait (and "server_unreachable" whenever
// the bridge says so). The test
// (tests/QwenLayered.Server.Tests/EndToEnd/PanelRestartEndToEndTests.cs) then kills the bridge and restarts the server
// (and the bridge) on the same ports. The panel must come back by itself, resume the job after the last event it saw
// and end with every layer once; the JSON report printed last says what it saw.
// Usage: node --experimental-websocket run-panel-restart.js ADDRESS IMAGE.png STEPS TIME_LIMIT_MS
// The time limit only stops a hung run, with its report so far: waits are on messages, never on the clock.
const fs = require("node:fs");
const { Connection } = require("../../src/connection.js");
const { Job } = require("../../src/jobs.js");
const { isWaiting, resumeFrame } = require("../../src/reconnect.js");

const [address, imagePath, steps, timeLimit] = process.argv.slice(2);
const timeLimitMs = Number(timeLimit);
if (!(timeLimitMs > 0) || !(Number(steps) > 0)) {
  console.error("Usage: run-panel-restart.js ADDRESS IMAGE.png STEPS TIME_LIMIT_MS");
  process.exit(2);
}
const image = new Uint8Array(fs.readFileSync(imagePath));
// connections: how many welcomes; events: the job's events as received, with the connection they came on.
const report = { connections: 0, states: [], errors: [], resumed: [], events: [] };
let job = null;

function submit() {
  job = new Job(`e2e-restart-${process.pid}-${Date.now().toString(36)}`, null);
  const message = { type: "submit", clientRequestId: job.clientRequestId, layers: 2, steps: Number(steps), seed: "11", prompt: "restart" };
  job.pendingSubmit = { message, payload: image };
  connection.send(message, image);
}

const connection = new Connection({
  address, client: "qwenlayered-panel-e2e", WebSocket: globalThis.WebSocket,
  events: {
    onState: (state) => {
      report.states.push(state);
      process.stderr.write(`${new Date().toISOString()} ${state}\n`);
      // Only a fatal error stops a connection before the end: the panel would wait for a Connect that never comes.
      if (state === "stopped" && !done) finish("The panel stopped reconnecting.");
    },
    onWelcome: () => {
      report.connections++;
      if (!job) return submit();
      // What the panel's controller does after every welcome.
      const resume = resumeFrame(job);
      if (!resume) return;
      report.resumed.push(resume.message);
      connection.send(resume.message, resume.payload);
    },
    onMessage: (message, payload) => {
      const mine = job && (message.jobId === job.jobId || (message.type === "accepted" && message.clientRequestId === job.clientRequestId));
      if (!mine || message.sequence === undefined) return;
      report.events.push({ type: message.type, sequence: message.sequence, index: message.index, connection: report.connections, payloadBytes: payload ? payload.length : 0 });
      job.apply(message, payload);
      if (message.type === "accepted" && job.pendingSubmit) {
        job.pendingSubmit = null;
        process.stdout.write(`accepted ${job.jobId}\n`);
      }
      if (job.finished) finish(null);
    },
    onError: (error) => {
      report.errors.push(error);
      // The test starts the server only once the bridge said it cannot reach it: the panel must wait it out.
      if (error.code === "server_unreachable") process.stdout.write("server_unreachable\n");
      if (job && job.jobId === error.jobId && !isWaiting(error)) finish(`The job failed: ${error.code}: ${error.message}`);
    },
  },
});

// Exits once the report is written: stdout to a pipe is asynchronous, and exiting sooner would cut it short.
let done = false;
function finish(failure) {
  done = true;
  connection.stop();
  const outcome = job && { jobId: job.jobId, state: job.state, message: job.message, layers: job.layers.filter(Boolean).map((l) => l.name) };
  process.stdout.write(JSON.stringify({ ...report, job: outcome, failure }) + "\n", () => process.exit(failure ? 1 : 0));
}

setTimeout(() => finish(`No outcome within ${timeLimitMs} ms.`), timeLimitMs).unref();
connection.start();
