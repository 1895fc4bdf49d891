// The panel end to end against a scripted bridge and a recording Photoshop: what the artist sees for every outcome.
import { describe, it, expect, beforeEach } from "vitest";
import { createRequire } from "node:module";
import { mockPhotoshop } from "./mocks/photoshop.mjs";
import { mockStorage, mockSecureStorage, mockDataFolder, formats } from "./mocks/uxp.mjs";
import { fakeBridge, fakeTimers, welcome, demoWelcome } from "./mocks/bridge.mjs";
import { recordingView } from "./mocks/panel.mjs";

const require = createRequire(import.meta.url);
const { PanelController } = require("../src/controller.js");
const { createPhotoshopHost } = require("../src/photoshop.js");
const { createSettings } = require("../src/settings.js");
const { ConnectionState } = require("../src/connection.js");
const { encodePng, decodePng } = require("../src/png.js");
const { formChoices } = require("../src/form.js");
const { ResultHistory } = require("../src/results.js");
const { dataFolderFiles } = require("../src/datafolder.js");

let bridge, timers, ps, view, localStorage, dataFiles, panel;

// A panel as index.js starts it: its results kept in the plugin's data folder (which outlives a reload).
async function startPanel({ token = "t0k" } = {}) {
  const settings = createSettings({ localStorage, secureStorage: mockSecureStorage(token) });
  const results = new ResultHistory(dataFolderFiles({ localFileSystem: { getDataFolder: async () => mockDataFolder(dataFiles) }, formats }));
  panel = new PanelController({ host: createPhotoshopHost(ps.photoshop), view, settings, WebSocket: bridge.WebSocket, timers, results });
  await panel.restoreResults();
  await panel.connect();
  bridge.open();
}

const png = (w, h) => encodePng(new Uint8Array(w * h * 4).fill(200), w, h);

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const created = (name) => ps.calls.filter((c) => c.name === name).map((c) => c.args);

// busy: what holds Photoshop modal once the image was read (the artist started typing text, say).
async function runJob({ layers = 2, layerPayload = () => png(8, 4), seed = "", busy = null } = {}) {
  await bridge.push(welcome);
  await panel.decompose({ source: "layer", layers, prompt: "", resolution: 640, steps: 4, seed });
  ps.core.busy = busy;
  const submit = bridge.sent().find((m) => m.type === "submit");
  await bridge.push({ type: "accepted", jobId: "job-1", sequence: 1, queuePosition: 2, clientRequestId: submit.clientRequestId });
  await bridge.push({ type: "started", jobId: "job-1", sequence: 2, seed: "42", width: 8, height: 4, layers, steps: 4, prompt: "p" });
  await bridge.push({ type: "progress", jobId: "job-1", sequence: 3, step: 1, totalSteps: 4, elapsedMs: 1000, remainingMs: 3000 });
  let sequence = 4;
  for (let i = 0; i < layers; i++) await bridge.push({ type: "preview", jobId: "job-1", sequence: sequence++, step: 1, layerIndex: i }, png(4, 2));
  for (let i = 0; i < layers; i++) {
    await bridge.push({ type: "layer", jobId: "job-1", sequence: sequence++, index: i, name: `l${i}`, x: 3 * i, y: i, width: 8, height: 4, bitsPerChannel: 8, chunkCount: 1 }, layerPayload(i));
  }
  await bridge.push({ type: "completed", jobId: "job-1", sequence: sequence++, layerCount: layers, timings: [] });
  return submit;
}

beforeEach(() => {
  bridge = fakeBridge();
  timers = fakeTimers();
  ps = mockPhotoshop();
  view = recordingView();
  localStorage = mockStorage();
  dataFiles = new Map();
});

describe("PanelController", () => {
  it("says hello with the protocol version and the token from secure storage", async () => {
    await startPanel();

    expect(bridge.sent()).toEqual([{ type: "hello", protocol: 1, token: "t0k", client: "qwenlayered-panel" }]);
    expect(bridge.socket.url).toBe("ws://127.0.0.1:50052/panel");
  });

  it("submits the source as PNG, shows queue, steps and time left, and inserts every layer at its offset on the source", async () => {
    await startPanel();

    const submit = await runJob({ layers: 2 });

    expect(submit).toMatchObject({ layers: 2, steps: 4, resolution: 640, preview: { everySteps: 1, maxEdge: 128 } });
    expect(view.lines).toContain("Server busy: 2 job(s) ahead of yours.");
    expect(view.lines).toContain("Step 1 of 4, about 3 s left");
    expect(view.lines.at(-1)).toBe("Done: 2 layers.");
    const puts = ps.calls.filter((c) => c.name === "createImageDataFromBuffer").map((c) => c.args);
    // Each 8x4 layer is put as it came, at its offset from the source's corner (5, 4): nothing is resized.
    expect(puts.map((p) => [p.width, p.height, p.length])).toEqual([[8, 4, 128], [8, 4, 128]]);
    expect(ps.calls.filter((c) => c.name === "putPixels").map((c) => c.args.targetBounds)).toEqual([{ left: 5, top: 4 }, { left: 8, top: 5 }]);
    expect(ps.calls.filter((c) => c.name === "createLayerGroup").map((c) => c.args.name)).toEqual(["Sky (seed 42)"]);
    expect(ps.calls.filter((c) => c.name !== "executeAsModal" && !c.inModal)).toEqual([]);
    expect(localStorage.getItem("qwenlayered.unfinishedJob")).toBeNull();
  });

  it("sends a 16-bit source at its own size as a 16-bit PNG and asks for 16-bit layers", async () => {
    ps = mockPhotoshop({ bits: 16 });
    await startPanel();

    const submit = await runJob({ layers: 1 });

    const sent = decodePng(bridge.socket.sent.find((f) => f.message.type === "submit").payload);
    expect(submit.sixteenBit).toBe(true);
    expect([sent.width, sent.height, sent.bitsPerChannel, sent.rgba[0]]).toEqual([20, 10, 16, 65535]);
  });

  it("offers a smaller copy of a source above the server's limit and sends it scaled by Photoshop", async () => {
    await startPanel();
    await bridge.push({ ...welcome, server: { ...welcome.server, maxPixels: 50 } });

    await panel.decompose({ source: "layer", layers: 1, prompt: "", resolution: 640, steps: 4 });

    expect(bridge.sent().filter((m) => m.type === "submit")).toEqual([]);
    expect(view.offers).toEqual([{ text: expect.stringContaining("The source is 20x10 pixels; this server takes at most 50 pixels. Send a copy scaled to 10x5"), accept: expect.any(Function) }]);
    await view.offers[0].accept();
    const sent = decodePng(bridge.socket.sent.find((f) => f.message.type === "submit").payload);
    expect([sent.width, sent.height]).toEqual([10, 5]);
    expect(ps.calls.filter((c) => c.name === "getPixels").at(-1).args.targetSize).toEqual({ width: 10, height: 5 });

    // Its layers go into a new document of the copy's size, and the result counts as inserted.
    const submit = bridge.sent().find((m) => m.type === "submit");
    await bridge.push({ type: "accepted", jobId: "job-1", sequence: 1, queuePosition: 0, clientRequestId: submit.clientRequestId });
    await bridge.push({ type: "started", jobId: "job-1", sequence: 2, seed: "42", width: 10, height: 5, layers: 1, steps: 4, prompt: "p" });
    await bridge.push({ type: "layer", jobId: "job-1", sequence: 3, index: 0, name: "l0", x: 0, y: 0, width: 10, height: 5, bitsPerChannel: 8, chunkCount: 1 }, png(10, 5));
    await bridge.push({ type: "completed", jobId: "job-1", sequence: 4, layerCount: 1, timings: [] });
    await settle();

    expect(ps.calls.filter((c) => c.name === "createDocument").map((c) => [c.args.width, c.args.height])).toEqual([[10, 5]]);
    expect(view.results.map((r) => r.inserted)).toEqual([true]);
  });

  it("asks the server to choose the layer count, and names the inserted layers as the server named them", async () => {
    await startPanel();
    await bridge.push(welcome);

    await panel.decompose({ source: "layer", layers: 0, automaticLayers: true, prompt: "", resolution: 0, steps: 0 });
    const submit = bridge.sent().find((m) => m.type === "submit");
    await bridge.push({ type: "accepted", jobId: "job-1", sequence: 1, queuePosition: 0, clientRequestId: submit.clientRequestId });
    await bridge.push({ type: "started", jobId: "job-1", sequence: 2, seed: "42", width: 8, height: 4, layers: 3, steps: 4, prompt: "p" });
    await bridge.push({ type: "layer", jobId: "job-1", sequence: 3, index: 0, name: "blue sky" }, png(8, 4));
    await bridge.push({ type: "layer", jobId: "job-1", sequence: 4, index: 1, name: "title lettering" }, png(8, 4));
    await bridge.push({ type: "completed", jobId: "job-1", sequence: 5, layerCount: 2, timings: [] });

    expect(submit).toMatchObject({ layers: 0, automaticLayers: true });
    expect(ps.calls.filter((c) => c.name === "createLayerGroup").map((c) => c.args.fromLayers)).toEqual([["blue sky", "title lettering"]]);
    expect(view.lines.at(-1)).toBe("Done: 2 layers.");
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

    expect(view.errors).toEqual(['Nothing answers at ws://127.0.0.1:50052/panel. Start QwenLayered on this computer ("qwenlayered serve", or "qwenlayered-bridge" for a server elsewhere) and check the address above.']);
    expect(view.states.at(-1)[0]).toBe(ConnectionState.Reconnecting);
  });

  it("failed_ServerUnreachableBehindTheBridge_SaysSoInPlainWords", async () => {
    await startPanel();

    await bridge.push({
      type: "error", code: "server_unreachable", fatal: true,
      message: "Cannot reach the QwenLayered server at https://gpu:50051/: Error starting gRPC call. HttpRequestException: Connection refused (gpu:50051)",
    });

    expect(view.errors).toEqual(["The QwenLayered server at https://gpu:50051/ does not answer. Check that it is running and that qwenlayered-bridge "
      + "was started with its address. The bridge keeps trying; the panel goes on where it was once the server answers."]);
  });

  it("received_JobFailedWithAGrpcStatus_SaysWhatHappenedInPlainWords", async () => {
    await startPanel();
    await bridge.push(welcome);
    await panel.decompose({ source: "document", layers: 4, prompt: "", resolution: 640, steps: 10 });
    const submit = bridge.sent().find((m) => m.type === "submit");
    await bridge.push({ type: "accepted", jobId: "job-3", sequence: 1, queuePosition: 0, clientRequestId: submit.clientRequestId });

    await bridge.push({ type: "failed", jobId: "job-3", sequence: 2, statusCode: 8, message: "CUDA out of memory." });
    await bridge.push({ type: "error", code: "server_error", message: "The server failed (Internal): Exception was thrown by handler." });

    expect(view.lines.at(-1)).toBe("Failed: The server ran out of memory; try fewer layers or a lower resolution: CUDA out of memory.");
    expect(view.errors).toEqual(["The server hit an error: Exception was thrown by handler."]);
  });

  it("shows the server unreachable behind the bridge and stays connected while the bridge retries it", async () => {
    await startPanel();

    await bridge.push({ type: "error", code: "server_unreachable", message: "Cannot reach the QwenLayered server at https://gpu:50051/: refused" });
    await bridge.push(welcome);

    expect(view.errors).toEqual([expect.stringContaining("The QwenLayered server at https://gpu:50051/ does not answer")]);
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

// Results are never lost (defect 2): kept per document until inserted or discarded, in the plugin's data folder.
describe("PanelController results", () => {
  // executeAsModal rejects while Photoshop is modal ("host is in a modal state"; test/mocks/photoshop.mjs).
  it("received_InsertMeetsModalState_KeepsTheResultAndInsertsWhenPhotoshopIsFree (defect 2)", async () => {
    await startPanel();

    await runJob({ layers: 2, busy: "text editing" });
    const waiting = view.results.map((r) => r.inserted);
    ps.core.busy = null;
    timers.runNext();
    await settle();

    expect(waiting).toEqual([false]);
    expect(created("createLayerGroup").map((g) => g.name)).toEqual(["Sky (seed 42)"]);
    expect(view.results.map((r) => r.inserted)).toEqual([true]);
  });

  it("insert_PhotoshopStaysModal_OffersInsertAndInsertsWhenPressed (defect 2)", async () => {
    await startPanel();
    await runJob({ layers: 2, busy: "a transform" });

    while (timers.pending.length) {
      timers.runNext();
      await settle();
    }
    const asked = view.errors.at(-1);
    ps.core.busy = null;
    await view.resultActions.insert(view.results[0].id);

    expect(asked).toMatch(/Photoshop is busy .* The layers are kept: press Insert when Photoshop is free\./);
    expect(created("createLayerGroup")).toHaveLength(1);
  });

  it("insert_ArtistPressesInsertBeforeTheRetry_InsertsOnce (defect 2)", async () => {
    await startPanel();
    await runJob({ layers: 2, busy: "text editing" });
    ps.core.busy = null;

    await view.resultActions.insert(view.results[0].id);
    timers.runNext();
    await settle();

    expect(created("createLayerGroup")).toHaveLength(1);
  });

  it("restoreResults_PanelReloadedBeforeTheInsert_ShowsTheResultAndInsertsItWithTheServersNames (defect 2)", async () => {
    await startPanel();
    await runJob({ layers: 2, busy: "a dialog" });

    // Reload: a new panel with the same storage and data folder.
    bridge = fakeBridge();
    view = recordingView();
    timers = fakeTimers();
    await startPanel();
    ps.core.busy = null;
    await view.resultActions.insert(view.results[0].id);

    expect(view.results.map((r) => [r.seed, r.layers.map((l) => l.name)])).toEqual([["42", ["l0", "l1"]]]);
    expect(created("createPixelLayer").map((l) => l.name)).toEqual(["l0", "l1"]);
    expect(view.results[0].inserted).toBe(true);
  });

  it("insert_InsertedResult_InsertsAgainAndDiscardRemovesItsFiles (defect 2)", async () => {
    await startPanel();
    await runJob({ layers: 2 });

    await view.resultActions.insert(view.results[0].id);
    await view.resultActions.discard(view.results[0].id);
    await settle();

    expect(created("createLayerGroup")).toHaveLength(2);
    expect(view.results).toEqual([]);
    expect([...dataFiles.keys()]).toEqual(["results.json"]);
  });
});

// Unhandled rejections and checks in the wrong order (defect 9).
describe("PanelController failures", () => {
  it("offerNewDocument_NewDocumentInsertFails_ShowsWhy (defect 9)", async () => {
    await startPanel();
    ps.app.documents.length = 0;
    ps.app.createDocument = async () => { throw new Error("Not enough memory."); };

    await runJob({ layers: 1 });
    await view.offers[0].accept();

    expect(view.errors.at(-1)).toBe("Could not insert the layers into a new document: Not enough memory.");
  });

  it("received_LayerThatIsNotAPng_ShowsTheErrorAndKeepsTheResult (defect 9)", async () => {
    await startPanel();

    await runJob({ layers: 1, layerPayload: () => new Uint8Array([1, 2, 3]) });

    expect(view.errors.at(-1)).toBe("Something went wrong: Not a PNG image.");
    expect(view.results).toHaveLength(1);
  });

  it("decompose_NotConnected_ReadsNoPixels (defect 9)", async () => {
    await startPanel();

    await panel.decompose({ source: "document", layers: 4, prompt: "", resolution: 640, steps: 10 });

    expect(view.errors).toEqual([expect.stringContaining("Not connected to QwenLayered")]);
    expect(created("getPixels")).toEqual([]);
  });

  it("decompose_ServerWithoutModel_SubmitsNothingAndTheFormSaysSo (defect 9)", async () => {
    await startPanel();
    await bridge.push({ ...welcome, server: { ...welcome.server, modelLoaded: false } });

    await panel.decompose({ source: "document", layers: 4, prompt: "", resolution: 640, steps: 10 });

    expect(view.forms.at(-1).ready).toBe(false);
    expect(view.errors).toEqual([expect.stringContaining("no model loaded yet")]);
    expect(bridge.sent().map((m) => m.type)).toEqual(["hello"]);
  });
});

describe("PanelController seed", () => {
  it("decompose_SeedGiven_SendsItAndTheResultShowsTheSeedUsed", async () => {
    await startPanel();

    const submit = await runJob({ layers: 1, seed: "1234" });

    expect(submit.seed).toBe("1234");
    expect(view.results[0].seed).toBe("42");
  });
});
