// Reconnect forever and resume the job in hand (issue #29, defect 10): after the bridge or the server went away, the
// panel comes back by itself and picks the job up after the last event it saw, so every layer is inserted once.
import { describe, it, expect, beforeEach } from "vitest";
import { createRequire } from "node:module";
import { mockPhotoshop } from "./mocks/photoshop.mjs";
import { fakeBridge, fakeTimers, welcome } from "./mocks/bridge.mjs";
import { recordingView, startPanel, png } from "./mocks/panel.mjs";

const require = createRequire(import.meta.url);
const { ConnectionState } = require("../src/connection.js");

let bridge, timers, ps, view, panel;

beforeEach(async () => {
  bridge = fakeBridge();
  timers = fakeTimers();
  ps = mockPhotoshop();
  view = recordingView();
  panel = await startPanel({ bridge, timers, ps, view });
  await bridge.push(welcome);
});

async function submitted() {
  await panel.decompose({ source: "document", layers: 2, prompt: "", resolution: 640, steps: 4 });
  return bridge.sent().find((m) => m.type === "submit");
}

async function reconnect() {
  bridge.drop();
  timers.runNext();
  bridge.open();
  await bridge.push(welcome);
}

const layerGroups = () => ps.calls.filter((c) => c.name === "createLayerGroup");
const putPixels = () => ps.calls.filter((c) => c.name === "putPixels");

describe("reconnect", () => {
  it("keeps reconnecting with backoff up to 15 s, however long the bridge stays away", async () => {
    for (let i = 0; i < 12; i++) {
      bridge.drop();
      timers.runNext();
    }

    expect(bridge.sockets).toHaveLength(13);
    expect(timers.pending).toEqual([]);
    expect(view.states.at(-1)[0]).toBe(ConnectionState.Reconnecting);
    expect(view.states.map(([state]) => state)).not.toContain(ConnectionState.Stopped);
  });

  it("keeps reconnecting when a refused attempt reports only an error event, and retries once for error and close", async () => {
    bridge.drop();
    timers.runNext();
    bridge.refuse();
    bridge.socket.onclose(); // a WebSocket that follows the spec sends close after the error: no second retry
    timers.runNext();

    expect(bridge.sockets).toHaveLength(3);
    expect(timers.pending).toEqual([]);
    expect(view.states.at(-1)[0]).toBe(ConnectionState.Reconnecting);
  });

  it("keeps the job when the bridge cannot reach the server, then attaches after the last event and inserts every layer once", async () => {
    const submit = await submitted();
    await bridge.push({ type: "accepted", jobId: "job-1", sequence: 1, queuePosition: 0, clientRequestId: submit.clientRequestId });
    await bridge.push({ type: "started", jobId: "job-1", sequence: 2, seed: "42", width: 8, height: 4, layers: 2, steps: 4, prompt: "p" });
    await bridge.push({ type: "layer", jobId: "job-1", sequence: 3, index: 0, name: "l0" }, png(8, 4));

    // The server restarts: the bridge says so (not fatal), and the connection goes too.
    await bridge.push({ type: "error", code: "server_unreachable", message: "Cannot reach the QwenLayered server at http://gpu:50051/: refused", jobId: "job-1" });
    await reconnect();
    // Replayed from the server's stored result: one event the panel already has, then the rest.
    await bridge.push({ type: "layer", jobId: "job-1", sequence: 3, index: 0, name: "l0" }, png(8, 4));
    await bridge.push({ type: "layer", jobId: "job-1", sequence: 4, index: 1, name: "l1" }, png(8, 4));
    await bridge.push({ type: "completed", jobId: "job-1", sequence: 5, layerCount: 2, timings: [] });

    expect(bridge.sent()).toContainEqual({ type: "attach", jobId: "job-1", afterSequence: 3 });
    expect(view.errors).toEqual([expect.stringContaining("The bridge keeps trying")]);
    expect(view.lines.at(-1)).toBe("Done: 2 layers.");
    expect(layerGroups()).toHaveLength(1);
    expect(putPixels()).toHaveLength(2);
  });

  it("sends a submit again, with the same client request id, when the connection went before the server accepted it", async () => {
    const submit = await submitted();

    await reconnect();

    const resent = bridge.sent().find((m) => m.type === "submit");
    expect(resent).toEqual(submit);
    expect(bridge.socket.sent.find((f) => f.message.type === "submit").payload.length).toBeGreaterThan(0);
  });

  it("says the job was lost when the restarted server no longer knows it, and lets the artist decompose again", async () => {
    const submit = await submitted();
    await bridge.push({ type: "accepted", jobId: "job-1", sequence: 1, queuePosition: 0, clientRequestId: submit.clientRequestId });

    await reconnect();
    await bridge.push({ type: "error", code: "not_found", message: "No job 'job-1'.", jobId: "job-1" });
    await panel.decompose({ source: "document", layers: 2, prompt: "", resolution: 640, steps: 4 });

    expect(view.lines).toContain("Failed: " + require("../src/reconnect.js").lostJobText());
    expect(bridge.sent().filter((m) => m.type === "submit")).toHaveLength(1);
  });
});
