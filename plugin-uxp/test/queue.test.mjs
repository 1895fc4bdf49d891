// Several queued jobs visible with cancel for one or all, and upload progress (issue #29, what artists expect from
// Krita AI Diffusion's queue).
import { describe, it, expect, beforeEach } from "vitest";
import { createRequire } from "node:module";
import { mockPhotoshop } from "./mocks/photoshop.mjs";
import { fakeBridge, fakeTimers, welcome } from "./mocks/bridge.mjs";
import { recordingView, startPanel } from "./mocks/panel.mjs";
import { fakeDocument } from "./mocks/dom.mjs";

const require = createRequire(import.meta.url);
const { createView } = require("../src/ui.js");

const form = { source: "document", layers: 2, prompt: "", resolution: 640, steps: 4 };
let bridge, timers, view, panel;

beforeEach(async () => {
  bridge = fakeBridge();
  timers = fakeTimers();
  view = recordingView();
  panel = await startPanel({ bridge, timers, ps: mockPhotoshop(), view });
  await bridge.push(welcome);
});

async function submitAccepted(jobId, queuePosition) {
  await panel.decompose(form);
  const submit = bridge.sent().filter((m) => m.type === "submit").at(-1);
  await bridge.push({ type: "accepted", jobId, sequence: 1, queuePosition, clientRequestId: submit.clientRequestId });
}

describe("queue", () => {
  it("submits while earlier jobs wait and shows every job with its own line", async () => {
    await submitAccepted("job-1", 0);
    await submitAccepted("job-2", 1);
    await submitAccepted("job-3", 2);

    expect(bridge.sent().filter((m) => m.type === "submit")).toHaveLength(3);
    expect(view.queue.map((e) => [e.jobId, e.line, e.cancellable])).toEqual([
      ["job-1", "Queued: yours is next.", true],
      ["job-2", "Server busy: 1 job(s) ahead of yours.", true],
      ["job-3", "Server busy: 2 job(s) ahead of yours.", true],
    ]);
  });

  it("cancels one job from its row, or all of them", async () => {
    await submitAccepted("job-1", 0);
    await submitAccepted("job-2", 1);

    view.cancelJob("job-2");
    expect(bridge.sent().at(-1)).toEqual({ type: "cancel", jobId: "job-2" });
    panel.cancelAll();

    expect(bridge.sent().filter((m) => m.type === "cancel").map((m) => m.jobId)).toEqual(["job-2", "job-1", "job-2"]);
  });

  it("keeps only the latest finished job next to the ones still going", async () => {
    await submitAccepted("job-1", 0);
    await submitAccepted("job-2", 1);
    await submitAccepted("job-3", 2);

    await bridge.push({ type: "cancelled", jobId: "job-1", sequence: 2, reason: "Cancelled by ann." });
    await bridge.push({ type: "cancelled", jobId: "job-2", sequence: 2, reason: "Cancelled by ann." });

    expect(view.queue.map((e) => [e.jobId, e.cancellable])).toEqual([["job-2", false], ["job-3", true]]);
  });

  it("shows upload progress from the socket's bufferedAmount (WebSocket API) until the image is sent", async () => {
    bridge.socket.bufferedAmount = 1e9; // nothing sent yet
    await panel.decompose(form);
    const total = bridge.socket.sent.find((f) => f.message.type === "submit").payload.length;
    expect(view.lines.at(-1)).toBe("Sending the image… 0%");

    bridge.socket.bufferedAmount = Math.ceil(total / 2);
    timers.runNext();
    bridge.socket.bufferedAmount = 0;
    timers.runNext();

    expect(view.lines.slice(-2)).toEqual([`Sending the image… ${Math.floor((100 * (total - Math.ceil(total / 2))) / total)}%`, "Sending the image… 100%"]);
    expect(timers.pending).toEqual([]);
  });
});

describe("queue view", () => {
  it("renders a row per job with Cancel only where the server can still stop it, and shows the list for two or more", () => {
    const document = fakeDocument(new URL("../index.html", import.meta.url).pathname);
    const cancelled = [];

    createView(document).showQueue([
      { jobId: "job-1", line: "Step 2 of 4", cancellable: true },
      { jobId: null, line: "Sending the image…", cancellable: false },
    ], (jobId) => cancelled.push(jobId));
    const rows = document.getElementById("queue").children;
    rows[0].children[1].onclick();

    expect(rows.map((row) => row.children[0].textContent)).toEqual(["Step 2 of 4", "Sending the image…"]);
    expect(rows.map((row) => row.children.length)).toEqual([2, 1]);
    expect(cancelled).toEqual(["job-1"]);
    expect(document.getElementById("queue-section").hidden).toBe(false);
  });
});
