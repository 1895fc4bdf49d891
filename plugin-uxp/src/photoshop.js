// Everything the panel does to Photoshop, and the only module that calls executeAsModal or imaging.
// The host modules are passed in (index.js hands over require("photoshop")), so tests can record every call.
const { toRgba, toDocument, placeInto } = require("./pixels.js");
const { executeModal } = require("./modal.js");
const { hostProblem } = require("./host.js");
const { maskAt, isFull, scaleMask } = require("./selection.js");
const { bringToFront, placeGroup } = require("./placement.js");

const SourceKind = Object.freeze({ Document: "document", Layer: "layer", Selection: "selection" });

// The artist must act (open a document, make a selection); shown as it is.
class SourceError extends Error {}

// The source document was closed or resized while the job ran; the panel offers a new document instead.
class DocumentChangedError extends Error {}

function createPhotoshopHost({ app, core, imaging, constants }) {
  const bits = (doc) => {
    if (doc.bitsPerChannel === constants.BitsPerChannelType.EIGHT) return 8;
    if (doc.bitsPerChannel === constants.BitsPerChannelType.SIXTEEN) return 16;
    throw new SourceError("32-bit documents cannot be decomposed: choose Image > Mode > 16 Bits/Channel first, then try again.");
  };
  // Where Photoshop has no Imaging API, one clear line instead of a TypeError.
  const requireImaging = () => {
    if (!imaging) throw new SourceError(hostProblem({ imaging }));
  };

  // One short modal step: read the source's pixels as RGBA at the document's depth (8 or 16 bits), and record where
  // they came from. With targetSize ({ width, height }) Photoshop scales them to that size: a smaller copy.
  async function readSource(kind, targetSize) {
    requireImaging();
    return executeModal(core, async () => {
      const doc = app.activeDocument;
      if (!doc) throw new SourceError("Open a document first.");
      if (doc.mode !== constants.DocumentMode.RGB) throw new SourceError("Only RGB documents can be decomposed; convert this one to RGB first.");
      bits(doc); // refused here, before the job runs, not when its layers come back
      const canvas = { left: 0, top: 0, right: doc.width, bottom: doc.height };
      const { bounds, name, layerID, layerKind } = describeSource(doc, kind, canvas);
      const selected = kind === SourceKind.Selection ? await readSelectionMask(doc, bounds) : null;
      const pixels = await readPixels({ documentID: doc.id, layerID, sourceBounds: bounds, colorSpace: "RGB", ...(targetSize && { targetSize }) }, name, layerKind);
      try {
        const image = pixels.imageData;
        const data = await image.getData({ chunky: true });
        const read = toRgba(data, image.width, image.height, image.components, image.componentSize);
        const rgba = targetSize ? read : placeInto(read, pixels.sourceBounds, bounds);
        const size = targetSize ? { width: image.width, height: image.height } : { width: bounds.right - bounds.left, height: bounds.bottom - bounds.top };
        const mask = selected && targetSize
          ? scaleMask(selected, bounds.right - bounds.left, bounds.bottom - bounds.top, size.width, size.height) : selected;
        return {
          kind, name, rgba, mask, bits: image.componentSize, bounds, layerID, documentID: doc.id, documentName: doc.name, colorProfile: profileOf(doc),
          documentWidth: doc.width, documentHeight: doc.height, ...size, scaled: Boolean(targetSize),
        };
      } finally {
        pixels.imageData.dispose();
      }
    }, { commandName: "Read pixels for QwenLayered" });
  }

  function describeSource(doc, kind, canvas) {
    if (kind === SourceKind.Document) return { bounds: canvas, name: doc.name };
    if (kind === SourceKind.Layer) {
      const layer = doc.activeLayers[0];
      if (!layer) throw new SourceError("Select a layer first.");
      if (NO_PIXELS_OF_ITS_OWN.has(layer.kind)) throw new SourceError(noPixelsText(layer));
      // Adobe's Imaging API, getPixels: "the valid pixel bounds for a layer" are its boundsNoEffects; bounds would
      // include drop shadows and strokes the layer's pixels do not hold.
      const bounds = clip(layer.boundsNoEffects, canvas);
      if (!bounds) throw new SourceError(`Layer "${layer.name}" has no pixels on the canvas.`);
      return { bounds, name: layer.name, layerID: layer.id, layerKind: layer.kind };
    }
    const selected = doc.selection && doc.selection.bounds;
    const bounds = selected && clip(selected, canvas);
    if (!bounds) throw new SourceError("Make a selection first, or pick the document or a layer as the source.");
    return { bounds, name: `${doc.name} selection` };
  }

  // The selection's mask at the source bounds (selection.js), or null for a plain rectangle.
  async function readSelectionMask(doc, bounds) {
    const selection = await imaging.getSelection({ documentID: doc.id, sourceBounds: bounds });
    try {
      const image = selection.imageData;
      const mask = maskAt(await image.getData({ chunky: true }), image.componentSize, selection.sourceBounds, bounds);
      return isFull(mask) ? null : mask;
    } finally {
      selection.imageData.dispose();
    }
  }

  // Text, smart object and fill layers are read as Photoshop renders them; if it cannot, the artist is told what to do.
  async function readPixels(options, name, layerKind) {
    try {
      return await imaging.getPixels(options);
    } catch (e) {
      if (layerKind === undefined || layerKind === constants.LayerKind.NORMAL) throw e;
      throw new SourceError(`Photoshop could not read the pixels of layer "${name}" (${e.message}). Rasterize it (Layer > Rasterize) or choose Whole document.`);
    }
  }

  // Groups and adjustment layers hold no pixels of their own to decompose (Adobe's constants, LayerKind).
  const NO_PIXELS_OF_ITS_OWN = new Set(Object.entries(constants.LayerKind || {})
    .filter(([key]) => !["NORMAL", "TEXT", "SMARTOBJECT", "SOLIDFILL", "GRADIENTFILL", "PATTERNFILL", "VIDEO", "LAYER3D"].includes(key))
    .map(([, value]) => value));

  function noPixelsText(layer) {
    return layer.kind === constants.LayerKind.GROUP
      ? `"${layer.name}" is a group; select one layer inside it, or choose Whole document to decompose what it shows.`
      : `"${layer.name}" is an adjustment layer with no pixels of its own; select a pixel layer, or choose Whole document.`;
  }

  // One modal step and one history step: a group named after the source holding the layers, bottom first, named as
  // the server named them. layers: [{ name, x, y, width, height, bitsPerChannel, rgba }], each placed at (x, y) from
  // the source's top-left corner, its RGBA as decoded from its PNG (8 or 16 bits).
  async function insertLayers(source, layers, groupName) {
    return executeModal(core, async (context) => {
      // A kept result can outlive its document and Photoshop itself, whose next session reuses document ids.
      const doc = findDocument(source.documentID);
      if (!doc || doc.name !== source.documentName) throw new DocumentChangedError(`The document "${source.documentName}" was closed while the layers were made.`);
      if (doc.width !== source.documentWidth || doc.height !== source.documentHeight) {
        throw new DocumentChangedError(`The document "${source.documentName}" changed size while the layers were made.`);
      }
      bringToFront(app, doc);
      await insertGroup(context, doc, layers, groupName, source.bounds, source);
    }, { commandName: "Insert QwenLayered layers" });
  }

  // The same layers in a new document of the source's size, for when the source document is gone.
  async function insertIntoNewDocument(source, layers, groupName) {
    return executeModal(core, async (context) => {
      const doc = await app.createDocument({
        name: source.name, width: source.width, height: source.height, resolution: 72,
        mode: constants.NewDocumentMode.RGB, fill: constants.DocumentFill.TRANSPARENT,
        depth: layers.some((l) => l.bitsPerChannel === 16) ? 16 : 8,
        ...(source.colorProfile ? { profile: source.colorProfile } : {}),
      });
      await insertGroup(context, doc, layers, groupName, { left: 0, top: 0, right: source.width, bottom: source.height });
    }, { commandName: "Insert QwenLayered layers into a new document" });
  }

  // placeAt: the source, whose layer (if any) the group goes directly above (placement.js); else the top.
  async function insertGroup(context, doc, layers, groupName, bounds, placeAt = {}) {
    requireImaging();
    const componentSize = bits(doc);
    const suspension = await context.hostControl.suspendHistory({ documentID: doc.id, name: `QwenLayered: ${groupName}` });
    try {
      const created = [];
      for (const placed of layers) {
        const layer = await doc.createPixelLayer({ name: placed.name });
        await putPixels(doc, layer, placed, bounds, componentSize);
        created.push(layer);
        context.reportProgress({ value: created.length / layers.length, commandName: `Inserting layer ${created.length} of ${layers.length}` });
      }
      const group = await doc.createLayerGroup({ name: groupName, fromLayers: created });
      await placeGroup(doc, group, placeAt, constants);
      await context.hostControl.resumeHistory(suspension);
    } catch (e) {
      // Roll back: nothing the artist had may change when an insert fails half-way. A failed rollback must not hide
      // why the insert failed.
      await context.hostControl.resumeHistory(suspension, false).catch(() => {});
      throw e;
    }
  }

  // The layer's own pixels only, at its offset from the source's corner: Photoshop places them, nothing is resized.
  async function putPixels(doc, layer, placed, bounds, componentSize) {
    const imageData = await imaging.createImageDataFromBuffer(toDocument(placed.rgba, placed.bitsPerChannel, componentSize), {
      width: placed.width, height: placed.height, components: 4, componentSize,
      chunky: true, colorSpace: "RGB", // no colorProfile: the pixels are in the document's own, as they were read
    });
    try {
      const targetBounds = { left: bounds.left + placed.x, top: bounds.top + placed.y };
      await imaging.putPixels({ documentID: doc.id, layerID: layer.id, imageData, replace: true, targetBounds });
    } finally {
      imageData.dispose();
    }
  }

  function findDocument(id) {
    for (let i = 0; i < app.documents.length; i++) if (app.documents[i].id === id) return app.documents[i];
    return undefined;
  }

  return { readSource, insertLayers, insertIntoNewDocument };
}

// The document's profile by name, for a new document that must match it; none for an untagged document.
// A 32-bit document's name carries " (Linear RGB Profile)", which a profile name given to Photoshop must not.
function profileOf(doc) {
  const name = doc.colorProfileName;
  return name && name !== "None" ? name.replace(/ \(Linear RGB Profile\)$/, "") : undefined;
}

function clip(bounds, canvas) {
  const r = {
    left: Math.max(Math.round(bounds.left), canvas.left), top: Math.max(Math.round(bounds.top), canvas.top),
    right: Math.min(Math.round(bounds.right), canvas.right), bottom: Math.min(Math.round(bounds.bottom), canvas.bottom),
  };
  return r.right > r.left && r.bottom > r.top ? r : null;
}

module.exports = { SourceKind, SourceError, DocumentChangedError, createPhotoshopHost };
