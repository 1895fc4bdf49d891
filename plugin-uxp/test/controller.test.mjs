// The panel end to end against a scripted bridge and a recording Photoshop: what the artist sees for every outcome.
import { describe, it, expect, beforeEach } from "vitest";
import { createRequire } from "node:module";
import { mockPhotoshop } from "./mocks/photoshop.mjs";
import { mockStorage, mockSecureStorage } from "./mocks/uxp.mjs";
import { fakeBridge, fakeTimers, welcome, demoWelcome } from "./mocks/bridge.mjs";
import { recordingView } from "./mocks/panel.mjs";

const require = createRequire(import.meta.url);
const { PanelController } = require("../src/controller.js");
const { createPhotoshopHost } = require("../src/photoshop.js");
const { createSettings } = require("../src/settings.js");
const { ConnectionState } = require("../src/connection.js");
const { encodePng } = require("../src/png.js");
const { formChoices } = require("../src/form.js");

let bridge, timers, ps, view, localStorage, panel;

async function startPanel({ token = "t0k" } = {}) {
  const settings = createSettings({ localStorage, secureStorage: mockSecureStorage(token) });
  panel = new PanelController({ host: createPhotoshopHost(ps.photoshop), view, settings, WebSocket: bridge.WebSocket, timers });
  await panel.connect();
  bridge.open();
}

const png = (w, h) => encodePng(new Uint8Array(w * h * 4).fill(200), w, h);

async function runJob({ layers = 2 } = {}) {
  await bridge.push(welcome);
  await panel.decompose({ source: "layer", layers, prompt: "", resolution: 640, steps: 4 });
  const submit = bridge.sent().find((m) => m.type === "submit");
  await bridge.push({ type: "accepted", jobId: "job-1", sequence: 1, queuePosition: 2, clientRequestId: submit.clientRequestId });
  await bridge.push({ type: "started", jobId: "job-1", sequence: 2, seed: "42", width: 8, height: 4, layers, steps: 4, prompt: "p" });
  await bridge.push({ type: "progress", jobId: "job-1", sequence: 3, step: 1, totalSteps: 4, elapsedMs: 1000, remainingMs: 3000 });
  let sequence = 4;
  for (let i = 0; i < layers; i++) await bridge.push({ type: "preview", jobId: "job-1", sequence: sequence++, step: 1, layerIndex: i }, png(4, 2));
  for (let i = 0; i < layers; i++) await bridge.push({ type: "layer", jobId: "job-1", sequence: sequence++, index: i, name: `l${i}` }, png(8, 4));
  await bridge.push({ type: "completed", jobId: "job-1", sequence: sequence++, layerCount: layers, timings: [] });
  return submit;
}

beforeEach(() => {
  bridge = fakeBridge();
  timers = fakeTimers();
  ps = mockPhotoshop();
  view = recordingView();
  localStorage = mockStorage();
});

describe("PanelController", () => {
  it("says hello with the protocol version and the token from secure storage", async () => {
    await startPanel();

    expect(bridge.sent()).toEqual([{ type: "hello", protocol: 1, token: "t0k", client: "qwenlayered-panel" }]);
    expect(bridge.socket.url).toBe("ws://127.0.0.1:50052/panel");
  });

  it("submits the source as PNG, shows queue, steps and time left, and inserts every layer at the source", async () => {
    await startPanel();

    const submit = await runJob({ layers: 2 });

    expect(submit).toMatchObject({ layers: 2, steps: 4, resolution: 640, preview: { everySteps: 1, maxEdge: 128 } });
    expect(view.lines).toContain("Server busy: 2 job(s) ahead of yours.");
    expect(view.lines).toContain("Step 1 of 4, about 3 s left");
    expect(view.lines.at(-1)).toBe("Done: 2 layers.");
    const puts = ps.calls.filter((c) => c.name === "createImageDataFromBuffer").map((c) => c.args);
    // 8x4 results are scaled to the 20x10 layer source.
    expect(puts.map((p) => [p.width, p.height, p.length])).toEqual([[20, 10, 800], [20, 10, 800]]);
    expect(ps.calls.filter((c) => c.name === "createLayerGroup").map((c) => c.args.name)).toEqual(["Sky (seed 42)"]);
    expect(ps.calls.filter((c) => c.name !== "executeAsModal" && !c.inModal)).toEqual([]);
    expect(localStorage.getItem("qwenlayered.unfinishedJob")).toBeNull();
  });

  it("builds its form from the welcome: the demo model's resolution and steps", async () => {
    await startPanel();

    await bridge.push(demoWelcome);

    expect(view.forms).toEqual([formChoices(demoWelcome.server)]);
    expect(view.forms[0].resolutions.map((c) => c.value)).toEqual([0, 64]);
    expect(view.forms[0].steps[0]).toEqual({ value: 0, label: "Model default (20)" });
  });

  it("shows a readable error when no bridge answers", async () => {
    await startPanel();

    bridge.drop();

    expect(view.errors).toEqual([expect.stringContaining("No QwenLayered bridge answers at ws://127.0.0.1:50052/panel")]);
    expect(view.states.at(-1)[0]).toBe(ConnectionState.Reconnecting);
  });

  it("shows the server unreachable behind the bridge and stays connected while the bridge retries it", async () => {
    await startPanel();

    await bridge.push({ type: "error", code: "server_unreachable", message: "Cannot reach the QwenLayered server at https://gpu:50051/: refused" });
    await bridge.push(welcome);

    expect(view.errors).toEqual([expect.stringContaining("The bridge cannot reach the QwenLayered server")]);
    expect(view.states.at(-1)[0]).toBe(ConnectionState.Connected);
  });

  it("shows a bad token and stops reconnecting", async () => {
    await startPanel();

    await bridge.push({ type: "error", code: "bad_token", message: "Unknown token.", fatal: true });
    bridge.drop();

    expect(view.errors).toEqual([expect.stringContaining("The server refused the token")]);
    expect(timers.pending).toEqual([]);
    expect(view.states.at(-1)[0]).toBe(ConnectionState.Stopped);
  });

  it.each([
    [0, "update the QwenLayered panel"],
    [2, "update the QwenLayered server or bridge"],
  ])("shows a version mismatch naming the side to update (panel protocol %i)", async (_, side) => {
    await startPanel();

    await bridge.push({ type: "error", code: "version_mismatch", message: `The panel speaks protocol ... : ${side} in Photoshop.`, fatal: true });

    expect(view.errors).toEqual([expect.stringMatching(new RegExp(`^Version mismatch: .*${side}`))]);
  });

  it("shows a full queue as busy and lets the artist submit again", async () => {
    await startPanel();
    await bridge.push(welcome);
    await panel.decompose({ source: "document", layers: 4, prompt: "", resolution: 640, steps: 10 });
    const submit = bridge.sent().find((m) => m.type === "submit");

    await bridge.push({ type: "error", code: "busy", message: "The queue is full (3 jobs waiting).", clientRequestId: submit.clientRequestId });
    await panel.decompose({ source: "document", layers: 4, prompt: "", resolution: 640, steps: 10 });

    expect(view.errors).toEqual(["The server is busy: The queue is full (3 jobs waiting). Try again when the queue is shorter."]);
    expect(bridge.sent().filter((m) => m.type === "submit")).toHaveLength(2);
  });

  it("shows a source problem without sending anything", async () => {
    await startPanel();
    await bridge.push(welcome);

    await panel.decompose({ source: "selection", layers: 4, prompt: "", resolution: 640, steps: 10 });

    expect(view.errors).toEqual([expect.stringContaining("Make a selection first")]);
    expect(bridge.sent().map((m) => m.type)).toEqual(["hello"]);
  });

  it("offers a new document when the source document was closed, and inserts there on request", async () => {
    await startPanel();
    await bridge.push(welcome);
    ps.app.documents.length = 0;

    await runJob({ layers: 2 });
    await view.offers[0].accept();

    expect(view.offers.map((o) => o.text)).toEqual([expect.stringContaining('"photo.psd" was closed')]);
    expect(ps.calls.filter((c) => c.name === "createDocument")).toHaveLength(1);
    expect(ps.calls.filter((c) => c.name === "putPixels")).toHaveLength(2);
  });

  it("sends cancel for the running job", async () => {
    await startPanel();
    await bridge.push(welcome);
    await panel.decompose({ source: "document", layers: 4, prompt: "", resolution: 640, steps: 10 });
    const submit = bridge.sent().find((m) => m.type === "submit");
    await bridge.push({ type: "accepted", jobId: "job-9", sequence: 1, queuePosition: 0, clientRequestId: submit.clientRequestId });

    panel.cancel();
    await bridge.push({ type: "cancelled", jobId: "job-9", sequence: 2, reason: "Cancelled by its owner." });

    expect(bridge.sent().at(-1)).toEqual({ type: "cancel", jobId: "job-9" });
    expect(view.lines.at(-1)).toBe("Cancelled: Cancelled by its owner.");
  });

  it("after a panel reload, attaches to the unfinished job and finishes it", async () => {
    await startPanel();
    await bridge.push(welcome);
    await panel.decompose({ source: "layer", layers: 1, prompt: "", resolution: 640, steps: 4 });
    const submit = bridge.sent().find((m) => m.type === "submit");
    await bridge.push({ type: "accepted", jobId: "job-5", sequence: 1, queuePosition: 0, clientRequestId: submit.clientRequestId });

    // Reload: a new panel with the same storage.
    bridge = fakeBridge();
    view = recordingView();
    await startPanel();
    await bridge.push(welcome);
    await bridge.push({ type: "accepted", jobId: "job-5", sequence: 1, queuePosition: 0 });
    await bridge.push({ type: "started", jobId: "job-5", sequence: 2, seed: "3", width: 8, height: 4, layers: 1, steps: 4, prompt: "" });
    await bridge.push({ type: "layer", jobId: "job-5", sequence: 3, index: 0, name: "l" }, png(8, 4));
    await bridge.push({ type: "completed", jobId: "job-5", sequence: 4, layerCount: 1, timings: [] });

    expect(bridge.sent()).toContainEqual({ type: "attach", jobId: "job-5", afterSequence: 0 });
    expect(ps.calls.filter((c) => c.name === "createLayerGroup").map((c) => c.args.name)).toEqual(["Sky (seed 3)"]);
  });

  it("reconnects with backoff after a lost connection and attaches after the last event seen", async () => {
    await startPanel();
    await bridge.push(welcome);
    await panel.decompose({ source: "document", layers: 4, prompt: "", resolution: 640, steps: 10 });
    const submit = bridge.sent().find((m) => m.type === "submit");
    await bridge.push({ type: "accepted", jobId: "job-2", sequence: 1, queuePosition: 0, clientRequestId: submit.clientRequestId });
    await bridge.push({ type: "queuePosition", jobId: "job-2", sequence: 2, queuePosition: 0 });

    bridge.drop();
    timers.runNext();
    bridge.open();
    await bridge.push(welcome);

    expect(bridge.sockets).toHaveLength(2);
    expect(bridge.sent()).toEqual([{ type: "hello", protocol: 1, token: "t0k", client: "qwenlayered-panel" }, { type: "attach", jobId: "job-2", afterSequence: 2 }]);
  });

  it("reports a bad frame from the bridge and keeps the connection", async () => {
    await startPanel();
    await bridge.push(welcome);

    await bridge.pushRaw("not json");
    await panel.decompose({ source: "document", layers: 4, prompt: "", resolution: 640, steps: 10 });

    expect(view.errors).toEqual([expect.stringContaining("The bridge sent a frame this panel cannot read")]);
    expect(bridge.sent().map((m) => m.type)).toEqual(["hello", "submit"]);
  });
});
