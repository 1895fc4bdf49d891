// Drives the panel's own client modules (connection, jobs, protocol) against a live bridge, for the end-to-end test
// tests/QwenLayered.Server.Tests/EndToEnd/PanelEndToEndTests.cs, which asserts on the JSON report printed here:
// a first job decomposed to the end, then a second job cancelled while it samples.
// Usage: node --experimental-websocket run-panel-client.js ADDRESS TOKEN IMAGE.png TIME_LIMIT_MS [DEEP.png] (an empty
// TOKEN sends none). The time limit only stops a hung run, with its report so far: waits are on messages, never on the
// clock. Needs no npm install: Node's own WebSocket, and the image comes as PNG bytes. With DEEP.png (a 16-bit PNG)
// it runs only a "placed" job instead: 16-bit layers, put together from their chunks and decoded with png.js (which
// needs the fflate that npm install vendors), restacked at their offsets and compared with DEEP.png's own pixels.
const fs = require("node:fs");
const { Connection } = require("../../src/connection.js");
const { Job } = require("../../src/jobs.js");

const [address, token, imagePath, timeLimit, deepPath] = process.argv.slice(2);
const timeLimitMs = Number(timeLimit);
if (!(timeLimitMs > 0)) {
  console.error("Usage: run-panel-client.js ADDRESS TOKEN IMAGE.png TIME_LIMIT_MS");
  process.exit(2);
}
const image = new Uint8Array(fs.readFileSync(imagePath));
const report = { welcome: null, errors: [], jobs: {} };
const received = []; // every message, in order, as { message, payload }
const waiters = [];

function receive(message, payload) {
  received.push({ message, payload });
  const record = Object.values(report.jobs).find((r) => r.job.jobId === message.jobId
    || (message.type === "accepted" && r.job.clientRequestId === message.clientRequestId));
  if (record && message.sequence !== undefined) {
    record.job.apply(message, payload);
    record.events.push({ ...message, payload: payload && Buffer.from(payload).toString("base64") });
  }
  if (message.type === "error") report.errors.push(message);
  for (const waiter of [...waiters]) waiter(message);
}

// Resolves with the first message (already received or still to come) that matches; rejects on any error message.
function waitFor(matches) {
  const found = received.find(({ message }) => matches(message));
  if (found) return Promise.resolve(found.message);
  return new Promise((resolve, reject) => {
    const waiter = (message) => {
      if (!matches(message) && message.type !== "error") return;
      waiters.splice(waiters.indexOf(waiter), 1);
      if (message.type === "error") reject(new Error(`${message.code}: ${message.message}`));
      else resolve(message);
    };
    waiters.push(waiter);
  });
}

const connection = new Connection({
  address, token: token || undefined, client: "qwenlayered-panel-e2e", WebSocket: globalThis.WebSocket,
  events: {
    onState: () => {},
    onWelcome: (welcome) => receive(welcome, null),
    onMessage: receive,
    onError: (error) => receive({ type: "error", ...error }, null),
  },
});

async function submit(name, options, bytes = image) {
  // Unique per run: the server answers a repeated id (same token) with the earlier job, as a retried submit.
  const clientRequestId = `e2e-${name}-${process.pid}-${Date.now().toString(36)}`;
  report.jobs[name] = { job: new Job(clientRequestId, null), events: [] };
  connection.send({ type: "submit", clientRequestId, preview: { everySteps: 1, maxEdge: 32 }, ...options }, bytes);
  return (await waitFor((m) => m.type === "accepted" && m.clientRequestId === clientRequestId)).jobId;
}

const finished = (jobId) => (m) => m.jobId === jobId && ["completed", "failed", "cancelled"].includes(m.type);

async function run() {
  connection.start();
  report.welcome = await waitFor((m) => m.type === "welcome");
  if (deepPath) return runPlaced();

  const decomposed = await submit("decomposed", { layers: 2, steps: 3, seed: "7", prompt: "end to end" });
  await waitFor(finished(decomposed));

  // With a prompt: an empty one would first be captioned, which takes the random test model a thousand tokens.
  const cancelled = await submit("cancelled", { layers: 2, steps: 1000, seed: "8", prompt: "cancelled" });
  await waitFor((m) => m.type === "progress" && m.jobId === cancelled);
  connection.send({ type: "cancel", jobId: cancelled });
  report.cancelResult = await waitFor((m) => m.type === "cancelResult" && m.jobId === cancelled);
  // The job's stream ends with its cancelled event (the server's tests check that), so nothing can follow it.
  await waitFor(finished(cancelled));
}

// A 16-bit source at its own size: the layers come placed and at 16 bits; the report says where each went and how far
// the layers stacked at their offsets are from the source, in 16-bit steps.
async function runPlaced() {
  const { decodePng } = require("../../src/png.js");
  const deep = new Uint8Array(fs.readFileSync(deepPath));
  const placed = await submit("placed", { layers: 2, steps: 1, seed: "9", prompt: "placed", sixteenBit: true, preview: undefined }, deep);
  await waitFor(finished(placed));
  const job = report.jobs.placed.job;
  const source = decodePng(deep);
  const layers = job.layers.map((layer) => ({ layer, image: decodePng(layer.png) }));
  report.placed = {
    source: { width: source.width, height: source.height, bitsPerChannel: source.bitsPerChannel },
    layers: layers.map(({ layer, image }) => ({
      name: layer.name, x: layer.x, y: layer.y, width: layer.width, height: layer.height, bitsPerChannel: layer.bitsPerChannel,
      png: { width: image.width, height: image.height, bitsPerChannel: image.bitsPerChannel },
    })),
    restackError: restackError(source, layers.map(({ layer, image }) => ({ x: layer.x, y: layer.y, image }))),
    chunks: report.jobs.placed.events.filter((e) => e.type === "layerChunk").length,
  };
  // The events' payloads are hundreds of megabytes in base64; the report keeps what the test reads.
  report.jobs.placed.events = report.jobs.placed.events.map(({ payload, ...event }) => event);
}

// The largest difference, in 16-bit steps, between the source and its layers stacked with "over" at their offsets.
function restackError(source, layers) {
  let worst = 0;
  const { width, rgba } = source;
  const color = new Float64Array(width * 3), alpha = new Float64Array(width);
  for (let y = 0; y < source.height; y++) {
    color.fill(0);
    alpha.fill(0);
    for (const { x: left, y: top, image } of layers) {
      if (y < top || y >= top + image.height) continue;
      for (let x = Math.max(0, left); x < Math.min(width, left + image.width); x++) {
        const p = ((y - top) * image.width + x - left) * 4;
        const a = image.rgba[p + 3] / 65535;
        for (let c = 0; c < 3; c++) color[3 * x + c] = a * (image.rgba[p + c] / 65535) + (1 - a) * color[3 * x + c];
        alpha[x] = a + (1 - a) * alpha[x];
      }
    }
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 4;
      for (let c = 0; c < 3; c++) {
        const restacked = alpha[x] > 0 ? (color[3 * x + c] / alpha[x]) * 65535 : 0;
        worst = Math.max(worst, Math.abs(restacked - rgba[p + c]));
      }
      worst = Math.max(worst, Math.abs(alpha[x] * 65535 - rgba[p + 3]));
    }
  }
  return Math.round(worst);
}

// Exits once the report is written: stdout to a pipe is asynchronous, and exiting sooner would cut it short.
function finish(failure) {
  connection.stop();
  const jobs = Object.fromEntries(Object.entries(report.jobs).map(([name, { job, events }]) =>
    [name, { jobId: job.jobId, state: job.state, layerCount: job.layers.filter(Boolean).length, events }]));
  process.stdout.write(JSON.stringify({ ...report, jobs, failure }) + "\n", () => process.exit(failure ? 1 : 0));
}

setTimeout(() => finish(`No outcome within ${timeLimitMs} ms.`), timeLimitMs).unref();
run().then(() => finish(null), (e) => finish(e.message));
