// A stand-in for UXP's "photoshop" module that records every host call, and whether it ran inside executeAsModal,
// and that refuses what Adobe documents as refused, so the panel meets real Photoshop's rules before real Photoshop:
// - executeAsModal rejects while another modal state holds Photoshop (text editing, a transform, a dialog, another
//   plugin): "host is in a modal state" before 25.10, "Plugin: ... is running a modal command" after its timeOut from
//   25.10 (https://developer.adobe.com/photoshop/uxp/2022/ps_reference/media/executeasmodal/, "Modal state").
// - `imaging` is missing where Photoshop has none (24.2 to 24.x had it as imaging_beta or in beta builds only:
//   https://adobedocs.github.io/uxp-photoshop/ps_reference/changelog, 24.2 "Imaging API Beta", 24.4).
// - getPixels returns a document's own depth: Float32Array 0..1 for 32 bits, 0..32768 for 16, and its own profile
//   (https://adobedocs.github.io/uxp-photoshop/ps_reference/media/imaging, componentSize and getPixels).
// - createImageDataFromBuffer wants the typed array of its componentSize and width * height * components elements;
//   putPixels converts colours from a tagged colorProfile that is not the document's ("Photoshop will perform color
//   conversions when needed"; an empty profile means the target document's).
export const MODAL_COLLISION_BEFORE_25_10 = "host is in a modal state";

const SRGB = "sRGB IEC61966-2.1";
const DEPTH = { 8: "bitDepth8", 16: "bitDepth16", 32: "bitDepth32" };
const ARRAY = { 8: Uint8Array, 16: Uint16Array, 32: Float32Array };
const FULL = { 8: 255, 16: 32768, 32: 1 };

// A colour conversion that visibly changes the values, as any real one between different profiles does.
const convert = (value, componentSize) => (componentSize === 32 ? value * 0.9 : Math.round(value * 0.9));

const atLeast = (version, wanted) => {
  const [a, b] = version.split(".").map(Number);
  const [c, d] = wanted.split(".").map(Number);
  return a > c || (a === c && b >= d);
};

// - layerBounds are the source layer's boundsNoEffects; effects (a drop shadow, say) make its bounds larger by `effects`
//   pixels, as Adobe's Layer.bounds vs boundsNoEffects. selectionMask(x, y) gives the selection's 8-bit value at a
//   document pixel (imaging.getSelection: one grayscale component); a plain rectangle when absent.
export function mockPhotoshop({
  bits = 8, width = 40, height = 30, layerBounds = { left: 5, top: 4, right: 25, bottom: 14 }, selection = null,
  profile = SRGB, version = "26.0.0", imaging: hasImaging = true, layerKind = "pixel", effects = 0, selectionMask = null,
} = {}) {
  const calls = [];
  let modal = 0;
  let nextId = 100;
  const record = (name, args) => calls.push({ name, args, inModal: modal > 0 });

  const grow = (b, by) => ({ left: b.left - by, top: b.top - by, right: b.right + by, bottom: b.bottom + by });
  // A layer as the layers panel holds it; move() records where it went (Adobe's Layer.move, ElementPlacement).
  const makeLayer = (id, name, extra = {}) => ({
    id, name, ...extra,
    async move(relative, placement) { record("move", { layer: name, relativeTo: relative.name, placement }); },
    async delete() { record("delete", name); },
  });
  const makeDocument = (id, name, w, h, depth = bits, docProfile = profile) => {
    const source = makeLayer(3, "Sky", { kind: layerKind, bounds: grow(layerBounds, effects), boundsNoEffects: layerBounds });
    const doc = {
      id, name, width: w, height: h, mode: "RGBColorMode", bitsPerChannel: DEPTH[depth],
      // A 32-bit document names its profile as a linear one (imaging page, "32 bit images").
      colorProfileType: "custom", colorProfileName: depth === 32 ? `${docProfile} (Linear RGB Profile)` : docProfile,
      profile: docProfile, componentSize: depth,
      activeLayers: [source],
      // Top first, as Document.layers: the source inside a group under a top layer, so "directly above" is testable.
      layers: [makeLayer(1, "Top"), makeLayer(2, "Folder", { kind: "group", layers: [source] })],
      selection: { bounds: selection },
      pixels: new Map(), // layer id -> { data, width, height, targetBounds }: what putPixels left in each layer
      async createPixelLayer(options) {
        record("createPixelLayer", options);
        return makeLayer(nextId++, options.name);
      },
      async createLayerGroup(options) {
        record("createLayerGroup", { name: options.name, fromLayers: options.fromLayers.map((l) => l.name) });
        // Photoshop groups the layers where they were made: above the active layer, inside its parent group.
        const group = makeLayer(nextId++, options.name, { kind: "group" });
        const parent = doc.layers[1].layers;
        parent.splice(parent.indexOf(source), 0, group);
        return group;
      },
    };
    return doc;
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
      const created = makeDocument(8, options.name, options.width, options.height, options.depth, options.profile || SRGB);
      app.documents.push(created);
      return created;
    },
  };
  const findDocument = (id) => app.documents.find((d) => d.id === id) ?? app.activeDocument;
  const hostControl = {
    async suspendHistory(options) { record("suspendHistory", options); return 55; },
    async resumeHistory(id, commit) { record("resumeHistory", { id, commit }); },
  };
  const core = {
    // What holds Photoshop modal now, outside this plugin: null, or e.g. "text editing" (set by a test).
    busy: null,
    async executeAsModal(fn, options) {
      record("executeAsModal", options);
      if (core.busy && modal === 0) {
        throw new Error(atLeast(version, "25.10") ? "Plugin: com.other.plugin is running a modal command" : MODAL_COLLISION_BEFORE_25_10);
      }
      modal++;
      try {
        return await fn({
          hostControl, isCancelled: false,
          reportProgress: (progress) => record("reportProgress", progress),
        });
      } finally { modal--; }
    },
  };
  const imaging = {
    async getPixels(options) {
      record("getPixels", options);
      const source = findDocument(options.documentID);
      const b = options.sourceBounds;
      // Photoshop scales the pixels when asked for a target size.
      const { width: w, height: h } = options.targetSize || { width: b.right - b.left, height: b.bottom - b.top };
      const size = source.componentSize;
      const data = new ARRAY[size](w * h * 4).fill(FULL[size]);
      return {
        sourceBounds: b,
        imageData: {
          width: w, height: h, components: 4, componentSize: size, colorProfile: source.colorProfileName,
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
      const componentSize = Object.keys(ARRAY).map(Number).find((size) => buffer instanceof ARRAY[size]);
      if (!componentSize) throw new TypeError("imageData must be a Uint8Array, Uint16Array or Float32Array.");
      if (!options.colorSpace) throw new Error("colorSpace is required.");
      if (buffer.length !== options.width * options.height * options.components) {
        throw new Error("The number of elements must be width * height * components.");
      }
      return { ...options, componentSize, data: buffer, dispose() { record("dispose", "imageData"); } };
    },
    async putPixels(options) {
      const { imageData, ...rest } = options;
      record("putPixels", rest);
      const target = findDocument(options.documentID);
      if (imageData.componentSize !== target.componentSize) throw new Error("The image data's depth is not the document's.");
      let data = imageData.data;
      if (imageData.colorProfile && imageData.colorProfile !== target.profile) {
        record("convertProfile", { from: imageData.colorProfile, to: target.profile });
        data = data.map((v, i) => (i % imageData.components === 3 ? v : convert(v, imageData.componentSize)));
      }
      target.pixels.set(options.layerID, { data, width: imageData.width, height: imageData.height, targetBounds: options.targetBounds });
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
  const photoshop = { app, core, constants, ...(hasImaging ? { imaging } : {}) };
  return { photoshop, calls, doc, app, core, version };
}
