// Where a result lands: in the job's document, brought to the front (Adobe's Photoshop class: activeDocument is
// writable, 23.0), with its group directly above the source layer, in the same parent group, or at the top of the
// document for a whole-document or selection source (Adobe's Layer.move(relativeObject, ElementPlacement), 23.0:
// "placeBefore places the layer above relativeObject"). Without this the group would land above whatever layer is
// active minutes later: inside another group, a clipping stack or an artboard.

function findLayer(layers, id) {
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i];
    if (layer.id === id) return layer;
    const inside = layer.layers && findLayer(layer.layers, id);
    if (inside) return inside;
  }
  return null;
}

function bringToFront(app, doc) {
  if (app.activeDocument !== doc) app.activeDocument = doc;
}

// source.layerID: the source layer, when the job decomposed one; it may have been deleted since (then the top).
// source.replace ("Decompose this layer further"): the group takes the source layer's place, which is deleted
// (Adobe's Layer.delete, 23.0), inside the same history step as the insert.
async function placeGroup(doc, group, source, constants) {
  const anchor = source.layerID !== undefined && findLayer(doc.layers, source.layerID);
  if (anchor) {
    await group.move(anchor, constants.ElementPlacement.PLACEBEFORE);
    if (source.replace) await anchor.delete();
    return;
  }
  const top = doc.layers[0];
  if (top && top.id !== group.id) await group.move(top, constants.ElementPlacement.PLACEBEFORE);
}

module.exports = { findLayer, bringToFront, placeGroup };
