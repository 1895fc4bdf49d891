// The exact host calls photoshop.js makes, against a recording mock of the "photoshop" module.
import { describe, it, expect } from "vitest";
import { createRequire } from "node:module";
import { mockPhotoshop } from "./mocks/photoshop.mjs";

const require = createRequire(import.meta.url);
const { createPhotoshopHost, SourceKind, SourceError, DocumentChangedError } = require("../src/photoshop.js");
const { ModalBusyError } = require("../src/modal.js");

const outsideModal = (calls) => calls.filter((c) => c.name !== "executeAsModal" && !c.inModal);
const names = (calls, name) => calls.filter((c) => c.name === name).map((c) => c.args);
const source = (overrides = {}) => ({
  kind: "layer", name: "Sky", documentID: 7, documentName: "photo.psd", documentWidth: 40, documentHeight: 30,
  bounds: { left: 5, top: 4, right: 25, bottom: 14 }, width: 20, height: 10, ...overrides,
});
// Placed layers as decoded from their PNGs: 6x4 pixels each, layer i at (i, 2i) from the source's corner.
const layers = (n, bitsPerChannel = 8) => Array.from({ length: n }, (_, i) => ({
  name: `Layer ${i + 1}`, x: i, y: 2 * i, width: 6, height: 4, bitsPerChannel,
  rgba: bitsPerChannel === 8 ? new Uint8Array(6 * 4 * 4).fill(i * 50 + 51) : new Uint16Array(6 * 4 * 4).fill(65535),
}));

describe("insertLayers", () => {
  for (const bits of [8, 16]) {
    it(`puts ${bits}-bit pixels of every layer at its offset from the source inside one modal call and one history step`, async () => {
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
        expect(b).toMatchObject({ width: 6, height: 4, components: 4, componentSize: bits, chunky: true, colorSpace: "RGB", length: 6 * 4 * 4 });
        expect(b.type).toBe(bits === 8 ? "Uint8Array" : "Uint16Array");
      }
      // 51 of 255 is 6553.6 of Photoshop's 16-bit 32768.
      expect(buffers[0].first).toBe(bits === 8 ? 51 : 6554);
      expect(names(calls, "putPixels")).toEqual([100, 101, 102].map((layerID, i) =>
        ({ documentID: 7, layerID, replace: true, targetBounds: { left: 5 + i, top: 4 + 2 * i } })));
      expect(names(calls, "dispose")).toHaveLength(3);
      expect(outsideModal(calls)).toEqual([]);
      // The suspension wraps every change.
      const order = calls.map((c) => c.name);
      expect(order.indexOf("suspendHistory")).toBeLessThan(order.indexOf("createPixelLayer"));
      expect(order.lastIndexOf("resumeHistory")).toBeGreaterThan(order.lastIndexOf("createLayerGroup"));
    });
  }

  it("puts 16-bit layer pixels into a 16-bit document in Photoshop's 0..32768 range, and into an 8-bit one as bytes", async () => {
    for (const [bits, type, first] of [[16, "Uint16Array", 32768], [8, "Uint8Array", 255]]) {
      const { photoshop, calls } = mockPhotoshop({ bits });

      await createPhotoshopHost(photoshop).insertLayers(source(), layers(1, 16), "g");

      expect(names(calls, "createImageDataFromBuffer")).toEqual([expect.objectContaining({ componentSize: bits, type, first })]);
    }
  });

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
    expect(names(calls, "putPixels").map((p) => p.targetBounds)).toEqual([{ left: 0, top: 0 }, { left: 1, top: 2 }]);
    expect(outsideModal(calls)).toEqual([]);
  });
});

describe("readSource", () => {
  it.each([
    ["document", { left: 0, top: 0, right: 40, bottom: 30 }, undefined, "photo.psd"],
    ["layer", { left: 5, top: 4, right: 25, bottom: 14 }, 3, "Sky"],
    ["selection", { left: 10, top: 10, right: 20, bottom: 30 }, undefined, "photo.psd selection"],
  ])("reads the %s's pixels as RGBA at the document's 16 bits inside a modal call", async (kind, bounds, layerID, name) => {
    const { photoshop, calls } = mockPhotoshop({ bits: 16, selection: { left: 10, top: 10, right: 20, bottom: 45 } });

    const read = await createPhotoshopHost(photoshop).readSource(kind);

    expect(names(calls, "getPixels")).toEqual([{ documentID: 7, layerID, sourceBounds: bounds, colorSpace: "RGB" }]);
    expect(read).toMatchObject({ kind, name, bounds, bits: 16, documentID: 7, documentWidth: 40, documentHeight: 30 });
    expect(read.rgba).toBeInstanceOf(Uint16Array);
    expect(read.rgba).toHaveLength((bounds.right - bounds.left) * (bounds.bottom - bounds.top) * 4);
    expect(read.rgba[0]).toBe(65535);
    expect(names(calls, "dispose")).toContain("pixels");
    expect(outsideModal(calls)).toEqual([]);
  });

  it("asks for a selection when there is none", async () => {
    const { photoshop } = mockPhotoshop();

    await expect(createPhotoshopHost(photoshop).readSource(SourceKind.Selection)).rejects.toThrow(SourceError);
  });
});

// The host model refuses what Adobe documents as refused (test/mocks/photoshop.mjs); each test below names the
// defect of issue #29 that it pins down.
describe("against Photoshop's documented rules", () => {
  // Imaging API: "If the color profile is empty, then the profile of a target document will be used", and
  // "Photoshop will perform color conversions when needed" for data tagged with another profile.
  it("insertLayers_AdobeRgbDocument_WritesThePixelsUnconverted (defect 3)", async () => {
    const { photoshop, calls, doc } = mockPhotoshop({ profile: "Adobe RGB (1998)" });
    const host = createPhotoshopHost(photoshop);
    const read = await host.readSource("layer");

    await host.insertLayers(read, layers(1), "g");

    expect(names(calls, "convertProfile")).toEqual([]);
    expect([...doc.pixels.get(100).data.slice(0, 4)]).toEqual([51, 51, 51, 51]);
  });

  it("insertIntoNewDocument_ProPhotoSource_CreatesTheDocumentInTheSourceProfile (defect 3)", async () => {
    const { photoshop, calls, app } = mockPhotoshop({ profile: "ProPhoto RGB" });
    const host = createPhotoshopHost(photoshop);
    const read = await host.readSource("document");

    await host.insertIntoNewDocument(read, layers(1), "g");

    expect(names(calls, "createDocument")[0].profile).toBe("ProPhoto RGB");
    expect(names(calls, "convertProfile")).toEqual([]);
    expect(app.documents[1].pixels.get(100).data[0]).toBe(51);
  });

  // Changelog 24.2/24.4: the Imaging API was beta-only; where it is missing the panel says what to do.
  it("readSource_NoImagingApi_SaysWhichPhotoshopIsNeeded (defect 4)", async () => {
    const { photoshop } = mockPhotoshop({ imaging: false, version: "24.4.0" });

    const reading = createPhotoshopHost(photoshop).readSource("document");

    await expect(reading).rejects.toThrow(SourceError);
    await expect(reading).rejects.toThrow("QwenLayered needs Photoshop 25.0.0 or later");
  });

  // Imaging API: a 32-bit document's pixels come as Float32Array 0..1 (componentSize 32).
  it("readSource_32BitDocument_IsRefusedBeforeAnyPixelIsRead (defect 5)", async () => {
    const { photoshop, calls } = mockPhotoshop({ bits: 32 });

    await expect(createPhotoshopHost(photoshop).readSource("document")).rejects.toThrow(/32-bit documents cannot be decomposed: choose Image > Mode > 16 Bits\/Channel/);

    expect(names(calls, "getPixels")).toEqual([]);
  });

  // executeAsModal: "if another plugin is modal ... executeAsModal would immediately throw an error, declaring,
  // 'host is in a modal state'" (from 25.10 after its timeOut).
  it.each(["24.6.0", "25.10.0"])("insertLayers_PhotoshopModal_RejectsAsBusyWithoutTouchingTheDocument (Photoshop %s, defect 2)", async (version) => {
    const { photoshop, calls, core } = mockPhotoshop({ version });
    core.busy = "text editing";

    await expect(createPhotoshopHost(photoshop).insertLayers(source(), layers(2), "g")).rejects.toThrow(ModalBusyError);

    expect(calls.map((c) => c.name)).toEqual(["executeAsModal"]);
    expect(names(calls, "executeAsModal")[0].timeOut).toBeGreaterThan(0);
  });

  it("insertLayers_RollbackFailsToo_RejectsWithWhyTheInsertFailed (defect 9)", async () => {
    const { photoshop } = mockPhotoshop();
    photoshop.imaging.putPixels = async () => { throw new Error("disk full"); };
    photoshop.core.executeAsModal = async (fn) => fn({
      reportProgress() {},
      hostControl: { suspendHistory: async () => 55, resumeHistory: async () => { throw new Error("cannot roll back"); } },
    });

    await expect(createPhotoshopHost(photoshop).insertLayers(source(), layers(2), "g")).rejects.toThrow("disk full");
  });

  // executeAsModal, "Progress bar": reportProgress({ value }) turns Photoshop's bar for a long command determinate.
  it("insertLayers_SeveralLayers_ReportsProgressAfterEach (defect 9)", async () => {
    const { photoshop, calls } = mockPhotoshop();

    await createPhotoshopHost(photoshop).insertLayers(source(), layers(4), "g");

    expect(names(calls, "reportProgress").map((p) => p.value)).toEqual([0.25, 0.5, 0.75, 1]);
  });
});

describe("insertLayers for a kept result", () => {
  it("insertLayers_AnotherDocumentHasTheSourcesIdAfterARestart_RefusesIt (defect 2)", async () => {
    const { photoshop, calls, doc } = mockPhotoshop();
    doc.name = "other.psd";

    await expect(createPhotoshopHost(photoshop).insertLayers(source(), layers(1), "g")).rejects.toThrow(DocumentChangedError);

    expect(calls.map((c) => c.name)).toEqual(["executeAsModal"]);
  });
});
