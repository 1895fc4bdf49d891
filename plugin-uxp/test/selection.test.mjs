// Selections of any shape and where results land (issue #29, defect 8), against the mock as Adobe documents the host:
// Imaging API "getSelection" (one grayscale component), Layer.boundsNoEffects and Layer.kind (LayerKind),
// Layer.move with ElementPlacement.PLACEBEFORE ("places the layer above relativeObject"), app.activeDocument (writable).
import { describe, it, expect, beforeEach } from "vitest";
import { createRequire } from "node:module";
import { mockPhotoshop } from "./mocks/photoshop.mjs";
import { fakeBridge, fakeTimers, welcome } from "./mocks/bridge.mjs";
import { recordingView, startPanel, png } from "./mocks/panel.mjs";

const require = createRequire(import.meta.url);
const { createPhotoshopHost, SourceError } = require("../src/photoshop.js");
const { decodePng } = require("../src/png.js");

const names = (calls, name) => calls.filter((c) => c.name === name).map((c) => c.args);
// Placed layers as the controller hands them over: each at its offset on the source, 8 bits.
const layers = (n, width = 20, height = 10) => Array.from({ length: n }, (_, i) => ({
  name: `Layer ${i + 1}`, x: 0, y: 0, width, height, bitsPerChannel: 8, rgba: new Uint8Array(width * height * 4).fill(200),
}));
const selection = { left: 10, top: 10, right: 30, bottom: 20 };
// An ellipse (as the Elliptical Marquee or a lasso makes) inside the 20x10 selection bounds, feathered by 2 px.
const ellipse = (x, y) => {
  const d = Math.hypot((x + 0.5 - 20) / 10, (y + 0.5 - 15) / 5);
  return Math.round(255 * Math.min(1, Math.max(0, (1 - d) * 5)));
};

describe("selection source", () => {
  let bridge, timers, ps, view, panel, written;

  beforeEach(async () => {
    bridge = fakeBridge();
    timers = fakeTimers();
    ps = mockPhotoshop({ selection, selectionMask: ellipse });
    written = [];
    const create = ps.photoshop.imaging.createImageDataFromBuffer;
    ps.photoshop.imaging.createImageDataFromBuffer = async (buffer, options) => { written.push(buffer); return create(buffer, options); };
    view = recordingView();
    panel = await startPanel({ bridge, timers, ps, view });
    await bridge.push(welcome);
  });

  it("sends an elliptical or lasso selection's mask (Imaging API getSelection) as the submit's region mask", async () => {
    await panel.decompose({ source: "selection", layers: 1, prompt: "", resolution: 640, steps: 4 });

    const frame = bridge.socket.sent.find((f) => f.message.type === "submit");
    const { region } = frame.message;
    expect(region.rect).toEqual({ x: 0, y: 0, width: 20, height: 10 });
    const mask = decodePng(frame.payload.subarray(frame.payload.length - region.maskLength));
    expect([mask.width, mask.height]).toEqual([20, 10]);
    expect(mask.rgba[(5 * 20 + 10) * 4]).toBe(255); // the middle is selected
    expect(mask.rgba[0]).toBe(0); // a corner of the bounds is not
    expect(decodePng(frame.payload.subarray(0, frame.payload.length - region.maskLength)).width).toBe(20);
  });

  it("places only the selected content: each returned layer's alpha is multiplied by the feathered mask", async () => {
    await panel.decompose({ source: "selection", layers: 1, prompt: "", resolution: 640, steps: 4 });
    const submit = bridge.sent().find((m) => m.type === "submit");
    await bridge.push({ type: "accepted", jobId: "job-1", sequence: 1, queuePosition: 0, clientRequestId: submit.clientRequestId });
    await bridge.push({ type: "started", jobId: "job-1", sequence: 2, seed: "1", width: 20, height: 10, layers: 1, steps: 4, prompt: "" });
    await bridge.push({ type: "layer", jobId: "job-1", sequence: 3, index: 0, name: "l0" }, png(20, 10));
    await bridge.push({ type: "completed", jobId: "job-1", sequence: 4, layerCount: 1, timings: [] });

    const alpha = (x, y) => written[0][(y * 20 + x) * 4 + 3];
    expect(alpha(0, 0)).toBe(0);
    expect(alpha(10, 5)).toBe(200);
    const edge = ellipse(10 + 1, 10 + 5);
    expect(edge).toBeGreaterThan(0);
    expect(edge).toBeLessThan(255);
    expect(alpha(1, 5)).toBe(Math.round((200 * edge) / 255));
  });

  it("masks a layer the server placed at an offset by the part of the selection under it, again on Insert again", async () => {
    await panel.decompose({ source: "selection", layers: 1, prompt: "", resolution: 640, steps: 4 });
    const submit = bridge.sent().find((m) => m.type === "submit");
    await bridge.push({ type: "accepted", jobId: "job-1", sequence: 1, queuePosition: 0, clientRequestId: submit.clientRequestId });
    await bridge.push({ type: "started", jobId: "job-1", sequence: 2, seed: "1", width: 20, height: 10, layers: 1, steps: 4, prompt: "" });
    await bridge.push({ type: "layer", jobId: "job-1", sequence: 3, index: 0, name: "l0", x: 1, y: 5, width: 4, height: 2 }, png(4, 2));
    await bridge.push({ type: "completed", jobId: "job-1", sequence: 4, layerCount: 1, timings: [] });
    await view.resultActions.insert("job-1");

    const expected = Math.round((200 * ellipse(10 + 1, 10 + 5)) / 255);
    expect(written.map((layer) => [layer.length, layer[3]])).toEqual([[4 * 2 * 4, expected], [4 * 2 * 4, expected]]);
  });

  it("sends the selection's mask at the size of a smaller copy when the source is above the server's limit", async () => {
    await bridge.push({ ...welcome, server: { ...welcome.server, maxPixels: 50 } });
    await panel.decompose({ source: "selection", layers: 1, prompt: "", resolution: 640, steps: 4 });
    await view.offers[0].accept();

    const frame = bridge.socket.sent.find((f) => f.message.type === "submit");
    const { region } = frame.message;
    expect(region.rect).toEqual({ x: 0, y: 0, width: 10, height: 5 });
    const mask = decodePng(frame.payload.subarray(frame.payload.length - region.maskLength));
    expect([mask.width, mask.height]).toEqual([10, 5]);
    expect(mask.rgba[(2 * 10 + 5) * 4]).toBe(255); // the middle is selected
    expect(mask.rgba[0]).toBe(0); // a corner is not
  });

  it("sends no mask for a plain rectangular selection", async () => {
    ps = mockPhotoshop({ selection });
    const read = await createPhotoshopHost(ps.photoshop).readSource("selection");

    expect(read.mask).toBeNull();
    expect(names(ps.calls, "getSelection")).toEqual([{ documentID: 7, sourceBounds: selection }]);
  });
});

describe("active layer source", () => {
  it("reads the layer at its boundsNoEffects, not its bounds with effects (Imaging API getPixels: valid layer bounds)", async () => {
    const ps = mockPhotoshop({ effects: 3 });

    const read = await createPhotoshopHost(ps.photoshop).readSource("layer");

    expect(names(ps.calls, "getPixels")[0].sourceBounds).toEqual({ left: 5, top: 4, right: 25, bottom: 14 });
    expect([read.width, read.height]).toEqual([20, 10]);
  });

  it.each([
    ["group", /is a group; select one layer inside it/],
    ["curves", /adjustment layer with no pixels of its own/],
  ])("refuses a %s layer (LayerKind) with a clear message, reading nothing", async (layerKind, message) => {
    const ps = mockPhotoshop({ layerKind });

    await expect(createPhotoshopHost(ps.photoshop).readSource("layer")).rejects.toThrow(message);
    expect(names(ps.calls, "getPixels")).toEqual([]);
  });

  it("reads a smart object as rendered, and says to rasterize it when Photoshop cannot", async () => {
    const ps = mockPhotoshop({ layerKind: "smartObject" });
    ps.photoshop.imaging.getPixels = async () => { throw new Error("The layer has no pixels"); };

    const read = createPhotoshopHost(ps.photoshop).readSource("layer");

    await expect(read).rejects.toThrow(SourceError);
    await expect(read).rejects.toThrow(/Rasterize it \(Layer > Rasterize\) or choose Whole document/);
  });
});

describe("placement", () => {
  const source = (overrides) => ({
    kind: "layer", name: "Sky", documentID: 7, documentName: "photo.psd", documentWidth: 40, documentHeight: 30,
    bounds: { left: 5, top: 4, right: 25, bottom: 14 }, width: 20, height: 10, ...overrides,
  });

  it("puts the group directly above the source layer, inside the source's own group (Layer.move PLACEBEFORE)", async () => {
    const ps = mockPhotoshop();

    await createPhotoshopHost(ps.photoshop).insertLayers(source({ layerID: 3 }), layers(2), "Sky (seed 1)");

    expect(names(ps.calls, "move")).toEqual([{ layer: "Sky (seed 1)", relativeTo: "Sky", placement: "placeBefore" }]);
    expect(ps.calls.find((c) => c.name === "move").inModal).toBe(true);
  });

  it("puts a whole-document result at the top of the document, not inside the group of the active layer", async () => {
    const ps = mockPhotoshop();

    await createPhotoshopHost(ps.photoshop).insertLayers(source({ kind: "document" }), layers(2), "photo.psd (seed 1)");

    expect(names(ps.calls, "move")).toEqual([{ layer: "photo.psd (seed 1)", relativeTo: "Top", placement: "placeBefore" }]);
  });

  it("brings the job's document to the front before inserting into it (app.activeDocument)", async () => {
    const ps = mockPhotoshop();
    const other = { id: 9, name: "other.psd" };
    ps.app.documents.push(other);
    ps.app.activeDocument = other;
    ps.calls.length = 0;

    await createPhotoshopHost(ps.photoshop).insertLayers(source({ layerID: 3 }), layers(1), "g");

    expect(names(ps.calls, "activeDocument")).toEqual([7]);
    const order = ps.calls.map((c) => c.name);
    expect(order.indexOf("activeDocument")).toBeLessThan(order.indexOf("createPixelLayer"));
  });
});
