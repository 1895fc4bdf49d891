// Pixel buffers between Photoshop (8- or 16-bit, RGB or RGBA) and the protocol's 8-bit RGBA.
// Photoshop's 16-bit mode stores 0..32768, not 0..65535.
const PS16_MAX = 32768;

// Photoshop's chunky data (components 3 or 4, 8 or 16 bits) to 8-bit RGBA.
function toRgba8(data, width, height, components, componentSize) {
  const scale = componentSize === 16 ? 255 / PS16_MAX : 1;
  const out = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    for (let c = 0; c < 3; c++) out[p * 4 + c] = Math.round(data[p * components + c] * scale);
    out[p * 4 + 3] = components === 4 ? Math.round(data[p * components + 3] * scale) : 255;
  }
  return out;
}

// 8-bit RGBA to the document's range: the same bytes for 8 bits, 0..32768 words for 16 bits.
function fromRgba8(rgba, componentSize) {
  if (componentSize === 8) return rgba;
  const out = new Uint16Array(rgba.length);
  for (let i = 0; i < rgba.length; i++) out[i] = Math.round((rgba[i] * PS16_MAX) / 255);
  return out;
}

// Places `rgba` (covering `from`) into a transparent buffer covering `to`; getPixels may return less than asked.
function placeInto(rgba, from, to) {
  const width = to.right - to.left;
  const out = new Uint8Array(width * (to.bottom - to.top) * 4);
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

// Bilinear resize with premultiplied alpha, so transparent pixels do not bleed colour into edges.
// The server returns layers at its working resolution; they go back at the source's size.
function resizeRgba(rgba, width, height, toWidth, toHeight) {
  if (width === toWidth && height === toHeight) return rgba;
  const out = new Uint8Array(toWidth * toHeight * 4);
  const sx = width / toWidth, sy = height / toHeight;
  for (let y = 0; y < toHeight; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), height - 1);
    const y0 = Math.floor(fy), y1 = Math.min(y0 + 1, height - 1), wy = fy - y0;
    for (let x = 0; x < toWidth; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), width - 1);
      const x0 = Math.floor(fx), x1 = Math.min(x0 + 1, width - 1), wx = fx - x0;
      const taps = [[x0, y0, (1 - wx) * (1 - wy)], [x1, y0, wx * (1 - wy)], [x0, y1, (1 - wx) * wy], [x1, y1, wx * wy]];
      let r = 0, g = 0, b = 0, a = 0;
      for (const [tx, ty, w] of taps) {
        const i = (ty * width + tx) * 4;
        const alpha = rgba[i + 3] * w;
        r += rgba[i] * alpha; g += rgba[i + 1] * alpha; b += rgba[i + 2] * alpha; a += alpha;
      }
      const o = (y * toWidth + x) * 4;
      if (a > 0) { out[o] = Math.round(r / a); out[o + 1] = Math.round(g / a); out[o + 2] = Math.round(b / a); }
      out[o + 3] = Math.round(a);
    }
  }
  return out;
}

module.exports = { PS16_MAX, toRgba8, fromRgba8, placeInto, resizeRgba };
