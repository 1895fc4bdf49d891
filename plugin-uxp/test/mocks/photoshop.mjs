// A stand-in for UXP's "photoshop" module that records every host call, and whether it ran inside executeAsModal.
// layerBounds are the source layer's boundsNoEffects; effects (a drop shadow, say) make its bounds larger by
// `effects` pixels, as Adobe's Layer.bounds vs boundsNoEffects. selectionMask(x, y) gives the selection's 8-bit value at
// a document pixel (imaging.getSelection: one grayscale component); a plain rectangle when absent.
export function mockPhotoshop({
  bits = 8, width = 40, height = 30, layerBounds = { left: 5, top: 4, right: 25, bottom: 14 }, selection = null,
  layerKind = "pixel", effects = 0, selectionMask = null,
} = {}) {
  const calls = [];
  let modal = 0;
  let nextId = 100;
  const record = (name, args) => calls.push({ name, args, inModal: modal > 0 });
  const bitsPerChannel = bits === 8 ? "bitDepth8" : "bitDepth16";

  const grow = (b, by) => ({ left: b.left - by, top: b.top - by, right: b.right + by, bottom: b.bottom + by });
  // A layer as the layers panel holds it; move() records where it went (Adobe's Layer.move, ElementPlacement).
  const makeLayer = (id, name, extra = {}) => ({
    id, name, ...extra,
    async move(relative, placement) { record("move", { layer: name, relativeTo: relative.name, placement }); },
    async delete() { record("delete", name); },
  });
  const makeDocument = (id, name, w, h) => {
    const source = makeLayer(3, "Sky", { kind: layerKind, bounds: grow(layerBounds, effects), boundsNoEffects: layerBounds });
    const document = {
      id, name, width: w, height: h, mode: "RGBColorMode", bitsPerChannel,
      activeLayers: [source],
      // Top first, as Document.layers: the source inside a group under a top layer, so "directly above" is testable.
      layers: [makeLayer(1, "Top"), makeLayer(2, "Folder", { kind: "group", layers: [source] })],
      selection: { bounds: selection },
      async createPixelLayer(options) {
        record("createPixelLayer", options);
        return makeLayer(nextId++, options.name);
      },
      async createLayerGroup(options) {
        record("createLayerGroup", { name: options.name, fromLayers: options.fromLayers.map((l) => l.name) });
        // Photoshop groups the layers where they were made: above the active layer, inside its parent group.
        const group = makeLayer(nextId++, options.name, { kind: "group" });
        const parent = document.layers[1].layers;
        parent.splice(parent.indexOf(source), 0, group);
        return group;
      },
    };
    return document;
  };
  const doc = makeDocument(7, "photo.psd", width, height);
  let active = doc;
  const app = {
    get activeDocument() { return active; },
    // Adobe's Photoshop class: activeDocument is writable (23.0) and brings that document to the front.
    set activeDocument(document) { record("activeDocument", document.id); active = document; },
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
      const [w, h] = [b.right - b.left, b.bottom - b.top];
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
    async getSelection(options) {
      record("getSelection", options);
      const b = options.sourceBounds;
      const [w, h] = [b.right - b.left, b.bottom - b.top];
      const data = new Uint8Array(w * h);
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[y * w + x] = selectionMask ? selectionMask(b.left + x, b.top + y) : 255;
      return {
        sourceBounds: b,
        imageData: { width: w, height: h, components: 1, componentSize: 8, async getData() { return data; }, dispose() { record("dispose", "selection"); } },
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
    LayerKind: { NORMAL: "pixel", GROUP: "group", TEXT: "text", SMARTOBJECT: "smartObject", CURVES: "curves", SOLIDFILL: "solidColor" },
    ElementPlacement: { PLACEBEFORE: "placeBefore", PLACEAFTER: "placeAfter", PLACEINSIDE: "placeInside" },
  };
  return { photoshop: { app, core, imaging, constants }, calls, doc, app };
}
