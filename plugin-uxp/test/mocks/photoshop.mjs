// A stand-in for UXP's "photoshop" module that records every host call, and whether it ran inside executeAsModal.
export function mockPhotoshop({ bits = 8, width = 40, height = 30, layerBounds = { left: 5, top: 4, right: 25, bottom: 14 }, selection = null } = {}) {
  const calls = [];
  let modal = 0;
  let nextId = 100;
  const record = (name, args) => calls.push({ name, args, inModal: modal > 0 });
  const bitsPerChannel = bits === 8 ? "bitDepth8" : "bitDepth16";

  const makeDocument = (id, name, w, h) => ({
    id, name, width: w, height: h, mode: "RGBColorMode", bitsPerChannel,
    activeLayers: [{ id: 3, name: "Sky", bounds: layerBounds }],
    selection: { bounds: selection },
    async createPixelLayer(options) {
      record("createPixelLayer", options);
      return { id: nextId++, name: options.name };
    },
    async createLayerGroup(options) {
      record("createLayerGroup", { name: options.name, fromLayers: options.fromLayers.map((l) => l.name) });
      return { id: nextId++, name: options.name };
    },
  });
  const doc = makeDocument(7, "photo.psd", width, height);
  const app = {
    activeDocument: doc,
    documents: [doc],
    async createDocument(options) {
      record("createDocument", options);
      const created = makeDocument(8, options.name, options.width, options.height);
      app.documents.push(created);
      return created;
    },
  };
  const hostControl = {
    async suspendHistory(options) { record("suspendHistory", options); return 55; },
    async resumeHistory(id, commit) { record("resumeHistory", { id, commit }); },
  };
  const core = {
    async executeAsModal(fn, options) {
      record("executeAsModal", options);
      modal++;
      try { return await fn({ hostControl }); } finally { modal--; }
    },
  };
  const imaging = {
    async getPixels(options) {
      record("getPixels", options);
      const b = options.sourceBounds;
      // Photoshop scales the pixels when asked for a target size.
      const { width: w, height: h } = options.targetSize || { width: b.right - b.left, height: b.bottom - b.top };
      const data = bits === 8 ? new Uint8Array(w * h * 4).fill(255) : new Uint16Array(w * h * 4).fill(32768);
      return {
        sourceBounds: b,
        imageData: {
          width: w, height: h, components: 4, componentSize: bits,
          async getData(o) { record("getData", o); return data; },
          dispose() { record("dispose", "pixels"); },
        },
      };
    },
    async createImageDataFromBuffer(buffer, options) {
      record("createImageDataFromBuffer", { type: buffer.constructor.name, length: buffer.length, first: buffer[0], ...options });
      return { dispose() { record("dispose", "imageData"); } };
    },
    async putPixels(options) {
      const { imageData, ...rest } = options;
      record("putPixels", rest);
    },
  };
  const constants = {
    BitsPerChannelType: { EIGHT: "bitDepth8", SIXTEEN: "bitDepth16", THIRTYTWO: "bitDepth32" },
    DocumentMode: { RGB: "RGBColorMode" },
    NewDocumentMode: { RGB: "RGBColorMode" },
    DocumentFill: { TRANSPARENT: "transparent" },
  };
  return { photoshop: { app, core, imaging, constants }, calls, doc, app };
}
