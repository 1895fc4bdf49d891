// PNG in and out of the panel: 8 and 16 bits, every row filter.
import { describe, it, expect } from "vitest";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { encodePng, decodePng } = require("../src/png.js");
const { zlibSync } = require("../src/vendor/fflate.js");

// A PNG whose rows use the filters given, one per row (what other encoders write).
function filteredPng(rgba, width, height, filters) {
  const stride = width * 4;
  const raw = new Uint8Array((stride + 1) * height);
  const at = (y, x) => (y < 0 || x < 0 ? 0 : rgba[y * stride + x]);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = filters[y];
    for (let x = 0; x < stride; x++) {
      const a = at(y, x - 4), b = at(y - 1, x), c = at(y - 1, x - 4);
      const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
      const predictor = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][filters[y]];
      raw[y * (stride + 1) + 1 + x] = (rgba[y * stride + x] - predictor) & 0xff;
    }
  }
  const png = encodePng(new Uint8Array(width * height * 4), width, height);
  // Swap the IDAT of an 8-bit PNG of the same size for the filtered rows.
  const idat = zlibSync(raw);
  const head = png.subarray(0, 33);
  const chunk = new Uint8Array(12 + idat.length);
  new DataView(chunk.buffer).setUint32(0, idat.length);
  chunk.set([73, 68, 65, 84], 4);
  chunk.set(idat, 8);
  return Uint8Array.from([...head, ...chunk, ...png.subarray(png.length - 12)]);
}

describe("png", () => {
  it("round-trips 16-bit RGBA with every value kept", () => {
    const rgba = Uint16Array.from({ length: 3 * 2 * 4 }, (_, i) => (i * 2749 + 1) % 65536);

    const decoded = decodePng(encodePng(rgba, 3, 2));

    expect(decoded).toEqual({ width: 3, height: 2, bitsPerChannel: 16, rgba });
  });

  it("round-trips 8-bit RGBA", () => {
    const rgba = Uint8Array.from({ length: 4 * 3 * 4 }, (_, i) => (i * 37) % 256);

    expect(decodePng(encodePng(rgba, 4, 3))).toEqual({ width: 4, height: 3, bitsPerChannel: 8, rgba });
  });

  it("undoes every row filter", () => {
    const rgba = Uint8Array.from({ length: 3 * 5 * 4 }, (_, i) => (i * 53 + 7) % 256);

    expect(decodePng(filteredPng(rgba, 3, 5, [0, 1, 2, 3, 4])).rgba).toEqual(rgba);
  });
});
