// Pixel buffers between Photoshop (8- or 16-bit, RGB or RGBA) and the protocol's PNGs (RGBA, 8 or 16 bits: 0..255 or
// 0..65535). Photoshop's 16-bit mode stores 0..32768, not 0..65535. Format conversion only: nothing is resized here.
const PS16_MAX = 32768;
const PNG16_MAX = 65535;

// Photoshop's chunky data (components 3 or 4, 8 or 16 bits) to RGBA at the same depth: 8-bit, or 16-bit 0..65535.
function toRgba(data, width, height, components, componentSize) {
  const deep = componentSize === 16;
  const scale = deep ? PNG16_MAX / PS16_MAX : 1;
  const out = deep ? new Uint16Array(width * height * 4) : new Uint8Array(width * height * 4);
  const opaque = deep ? PNG16_MAX : 255;
  for (let p = 0; p < width * height; p++) {
    for (let c = 0; c < 3; c++) out[p * 4 + c] = Math.round(data[p * components + c] * scale);
    out[p * 4 + 3] = components === 4 ? Math.round(data[p * components + 3] * scale) : opaque;
  }
  return out;
}

// RGBA decoded from a layer PNG (bitsPerChannel 8 or 16) to the document's range: 0..255 bytes for an 8-bit document,
// 0..32768 words for a 16-bit one. The same array when nothing changes.
function toDocument(rgba, bitsPerChannel, componentSize) {
  if (componentSize === bitsPerChannel && componentSize === 8) return rgba;
  const from = bitsPerChannel === 16 ? PNG16_MAX : 255;
  const to = componentSize === 16 ? PS16_MAX : 255;
  const out = componentSize === 16 ? new Uint16Array(rgba.length) : new Uint8Array(rgba.length);
  for (let i = 0; i < rgba.length; i++) out[i] = Math.round((rgba[i] * to) / from);
  return out;
}

// Places `rgba` (covering `from`) into a transparent buffer covering `to`; getPixels may return less than asked.
function placeInto(rgba, from, to) {
  const width = to.right - to.left;
  const out = new rgba.constructor(width * (to.bottom - to.top) * 4);
  const fromWidth = from.right - from.left;
  for (let y = Math.max(from.top, to.top); y < Math.min(from.bottom, to.bottom); y++) {
    const left = Math.max(from.left, to.left);
    const right = Math.min(from.right, to.right);
    if (right <= left) break;
    const src = ((y - from.top) * fromWidth + (left - from.left)) * 4;
    out.set(rgba.subarray(src, src + (right - left) * 4), ((y - to.top) * width + (left - to.left)) * 4);
  }
  return out;
}

module.exports = { PS16_MAX, toRgba, toDocument, placeInto };
