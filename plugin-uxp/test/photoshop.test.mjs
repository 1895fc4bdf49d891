// The exact host calls photoshop.js makes, against a recording mock of the "photoshop" module.
import { describe, it, expect } from "vitest";
import { createRequire } from "node:module";
import { mockPhotoshop } from "./mocks/photoshop.mjs";

const require = createRequire(import.meta.url);
const { createPhotoshopHost, SourceKind, SourceError, DocumentChangedError } = require("../src/photoshop.js");

const outsideModal = (calls) => calls.filter((c) => c.name !== "executeAsModal" && !c.inModal);
const names = (calls, name) => calls.filter((c) => c.name === name).map((c) => c.args);
const source = (overrides = {}) => ({
  kind: "layer", name: "Sky", documentID: 7, documentName: "photo.psd", documentWidth: 40, documentHeight: 30,
  bounds: { left: 5, top: 4, right: 25, bottom: 14 }, width: 20, height: 10, ...overrides,
});
const layers = (n, width = 20, height = 10) =>
  Array.from({ length: n }, (_, i) => ({ name: `Layer ${i + 1}`, rgba: new Uint8Array(width * height * 4).fill(i * 50 + 51) }));

describe("insertLayers", () => {
  for (const bits of [8, 16]) {
    it(`puts ${bits}-bit pixels of every layer at the source bounds inside one modal call and one history step`, async () => {
      const { photoshop, calls } = mockPhotoshop({ bits });

      await createPhotoshopHost(photoshop).insertLayers(source(), layers(3), "Sky (seed 42)");

      expect(names(calls, "executeAsModal")).toHaveLength(1);
      expect(names(calls, "suspendHistory")).toEqual([{ documentID: 7, name: "QwenLayered: Sky (seed 42)" }]);
      expect(names(calls, "resumeHistory")).toEqual([{ id: 55, commit: undefined }]);
      expect(names(calls, "createPixelLayer").map((o) => o.name)).toEqual(["Layer 1", "Layer 2", "Layer 3"]);
      expect(names(calls, "createLayerGroup")).toEqual([{ name: "Sky (seed 42)", fromLayers: ["Layer 1", "Layer 2", "Layer 3"] }]);
      const buffers = names(calls, "createImageDataFromBuffer");
      expect(buffers).toHaveLength(3);
      for (const b of buffers) {
        expect(b).toMatchObject({ width: 20, height: 10, components: 4, componentSize: bits, chunky: true, colorSpace: "RGB", length: 20 * 10 * 4 });
        expect(b.type).toBe(bits === 8 ? "Uint8Array" : "Uint16Array");
      }
      // 51 of 255 is 6553.6 of Photoshop's 16-bit 32768.
      expect(buffers[0].first).toBe(bits === 8 ? 51 : 6554);
      expect(names(calls, "putPixels")).toEqual([100, 101, 102].map((layerID) => ({ documentID: 7, layerID, replace: true, targetBounds: { left: 5, top: 4 } })));
      expect(names(calls, "dispose")).toHaveLength(3);
      expect(outsideModal(calls)).toEqual([]);
      // The suspension wraps every change.
      const order = calls.map((c) => c.name);
      expect(order.indexOf("suspendHistory")).toBeLessThan(order.indexOf("createPixelLayer"));
      expect(order.lastIndexOf("resumeHistory")).toBeGreaterThan(order.lastIndexOf("createLayerGroup"));
    });
  }

  it("rolls the history step back when a layer cannot be written", async () => {
    const { photoshop, calls } = mockPhotoshop();
    photoshop.imaging.putPixels = async () => { throw new Error("disk full"); };

    await expect(createPhotoshopHost(photoshop).insertLayers(source(), layers(2), "g")).rejects.toThrow("disk full");

    expect(names(calls, "resumeHistory")).toEqual([{ id: 55, commit: false }]);
  });

  it("refuses a document that was closed meanwhile, changing nothing", async () => {
    const { photoshop, calls, app } = mockPhotoshop();
    app.documents.length = 0;

    await expect(createPhotoshopHost(photoshop).insertLayers(source(), layers(2), "g")).rejects.toThrow(DocumentChangedError);

    expect(calls.map((c) => c.name)).toEqual(["executeAsModal"]);
  });

  it("refuses a document that changed size meanwhile", async () => {
    const { photoshop, doc } = mockPhotoshop();
    doc.width = 80;

    await expect(createPhotoshopHost(photoshop).insertLayers(source(), layers(2), "g")).rejects.toThrow(/changed size/);
  });
});

describe("insertIntoNewDocument", () => {
  it("creates a document of the source's size and inserts at its origin", async () => {
    const { photoshop, calls } = mockPhotoshop();

    await createPhotoshopHost(photoshop).insertIntoNewDocument(source(), layers(2), "Sky (seed 1)");

    expect(names(calls, "createDocument")).toEqual([expect.objectContaining({ name: "Sky", width: 20, height: 10, fill: "transparent" })]);
    expect(names(calls, "suspendHistory")).toEqual([{ documentID: 8, name: "QwenLayered: Sky (seed 1)" }]);
    expect(names(calls, "putPixels").map((p) => p.targetBounds)).toEqual([{ left: 0, top: 0 }, { left: 0, top: 0 }]);
    expect(outsideModal(calls)).toEqual([]);
  });
});

describe("readSource", () => {
  it.each([
    ["document", { left: 0, top: 0, right: 40, bottom: 30 }, undefined, "photo.psd"],
    ["layer", { left: 5, top: 4, right: 25, bottom: 14 }, 3, "Sky"],
    ["selection", { left: 10, top: 10, right: 20, bottom: 30 }, undefined, "photo.psd selection"],
  ])("reads the %s's pixels as 8-bit RGBA inside a modal call", async (kind, bounds, layerID, name) => {
    const { photoshop, calls } = mockPhotoshop({ bits: 16, selection: { left: 10, top: 10, right: 20, bottom: 45 } });

    const read = await createPhotoshopHost(photoshop).readSource(kind);

    expect(names(calls, "getPixels")).toEqual([{ documentID: 7, layerID, sourceBounds: bounds, colorSpace: "RGB" }]);
    expect(read).toMatchObject({ kind, name, bounds, documentID: 7, documentWidth: 40, documentHeight: 30 });
    expect(read.rgba).toHaveLength((bounds.right - bounds.left) * (bounds.bottom - bounds.top) * 4);
    expect(read.rgba[0]).toBe(255);
    expect(names(calls, "dispose")).toContain("pixels");
    expect(outsideModal(calls)).toEqual([]);
  });

  it("asks for a selection when there is none", async () => {
    const { photoshop } = mockPhotoshop();

    await expect(createPhotoshopHost(photoshop).readSource(SourceKind.Selection)).rejects.toThrow(SourceError);
  });
});
