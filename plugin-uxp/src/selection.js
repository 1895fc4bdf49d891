// Selections of any shape: the selection's mask, read with imaging.getSelection (Adobe's Imaging API, "getSelection":
// a single grayscale component, 0 unselected .. full selected, like Quick Mask), goes with the submit as the
// protocol's region mask, so the server decomposes only the selected pixels (a nonzero mask pixel belongs to the
// region); the returned layers are multiplied by it again, so a feathered edge stays soft and nothing outside the
// selection is placed.
const { encodePng } = require("./png.js");

// The mask as 8-bit values at the source bounds, from the getSelection result (8 or 16 bits, possibly trimmed to
// the selected part: Adobe's "sourceBounds ... The actual bounds used"). Outside what came back is unselected.
function maskAt(data, componentSize, got, bounds) {
  const width = bounds.right - bounds.left;
  const height = bounds.bottom - bounds.top;
  const mask = new Uint8Array(width * height);
  const full = componentSize === 16 ? 32768 : componentSize === 32 ? 1 : 255;
  const gotWidth = got.right - got.left;
  for (let y = Math.max(got.top, bounds.top); y < Math.min(got.bottom, bounds.bottom); y++) {
    for (let x = Math.max(got.left, bounds.left); x < Math.min(got.right, bounds.right); x++) {
      const value = data[(y - got.top) * gotWidth + (x - got.left)];
      mask[(y - bounds.top) * width + (x - bounds.left)] = Math.round(255 * Math.min(1, Math.max(0, value / full)));
    }
  }
  return mask;
}

// Whether the mask selects every pixel of its bounds fully: a rectangle needs no region mask.
function isFull(mask) {
  return mask.every((value) => value === 255);
}

// The submit's payload: the image PNG, then for a mask the mask as a PNG of the source's size, which the submit's
// region announces (docs/bridge-protocol.md, submit: "followed by maskLength bytes of the region mask PNG").
function withRegion(submit, imagePng, mask, width, height) {
  if (!mask) return imagePng;
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < mask.length; i++) rgba.fill(mask[i], i * 4, i * 4 + 3).fill(255, i * 4 + 3, i * 4 + 4);
  const maskPng = encodePng(rgba, width, height);
  submit.region = { rect: { x: 0, y: 0, width, height }, maskLength: maskPng.length };
  const payload = new Uint8Array(imagePng.length + maskPng.length);
  payload.set(imagePng, 0);
  payload.set(maskPng, imagePng.length);
  return payload;
}

// The mask for a smaller copy of the source (nearest pixel), so it matches the copy's pixels and layers.
function scaleMask(mask, width, height, toWidth, toHeight) {
  const out = new Uint8Array(toWidth * toHeight);
  for (let y = 0; y < toHeight; y++) {
    const from = Math.min(height - 1, Math.floor(((y + 0.5) * height) / toHeight)) * width;
    for (let x = 0; x < toWidth; x++) out[y * toWidth + x] = mask[from + Math.min(width - 1, Math.floor(((x + 0.5) * width) / toWidth))];
  }
  return out;
}

// A placed layer's RGBA (its own size at (x, y) on the source; 8 or 16 bits) with its alpha multiplied by the mask
// under it (the source's size, maskWidth wide).
function masked({ x, y, width, height, rgba }, mask, maskWidth) {
  const out = rgba.slice();
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      const alpha = (row * width + col) * 4 + 3;
      out[alpha] = Math.round((out[alpha] * mask[(y + row) * maskWidth + x + col]) / 255);
    }
  }
  return out;
}

module.exports = { maskAt, isFull, withRegion, scaleMask, masked };
