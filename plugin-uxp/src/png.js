// PNG in and out of the panel: UXP has no image codec for raw pixels, and the protocol carries PNG.
// Compression comes from fflate, copied to src/vendor by `npm install` (see scripts/vendor.js).
const { zlibSync, unzlibSync } = require("./vendor/fflate.js");

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

// RGBA to PNG, filter 0 on every row: fast to write, and the deflate step keeps it small enough. A Uint16Array
// (0..65535) makes a 16-bit PNG, anything else an 8-bit one.
function encodePng(rgba, width, height) {
  const deep = rgba instanceof Uint16Array;
  const stride = width * 4 * (deep ? 2 : 1);
  const rows = new Uint8Array((stride + 1) * height);
  if (deep) {
    const view = new DataView(rows.buffer);
    for (let y = 0; y < height; y++) {
      const at = y * (stride + 1) + 1;
      for (let i = 0; i < width * 4; i++) view.setUint16(at + 2 * i, rgba[y * width * 4 + i]);
    }
  } else {
    for (let y = 0; y < height; y++) rows.set(rgba.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([deep ? 16 : 8, 6, 0, 0, 0], 8);
  return concat([Uint8Array.from(SIGNATURE), chunk("IHDR", header), chunk("IDAT", zlibSync(rows)), chunk("IEND", new Uint8Array(0))]);
}

// Non-interlaced PNG, grey/RGB with or without alpha, 8 or 16 bits, to RGBA at the PNG's depth:
// { width, height, bitsPerChannel, rgba } with rgba a Uint8Array (8 bits) or a Uint16Array of 0..65535 (16 bits).
function decodePng(bytes) {
  if (SIGNATURE.some((b, i) => bytes[i] !== b)) throw new Error("Not a PNG image.");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let width = 0, height = 0, depth = 0, colorType = 0;
  const idat = [];
  for (let at = 8; at < bytes.length;) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    const data = bytes.subarray(at + 8, at + 8 + length);
    if (type === "IHDR") {
      [width, height, depth, colorType] = [view.getUint32(at + 8), view.getUint32(at + 12), data[8], data[9]];
      if (data[12] !== 0) throw new Error("Interlaced PNGs are not supported.");
    } else if (type === "IDAT") idat.push(data);
    at += 12 + length;
  }
  const channels = { 0: 1, 2: 3, 4: 2, 6: 4 }[colorType];
  if (!channels || (depth !== 8 && depth !== 16)) throw new Error(`Unsupported PNG: colour type ${colorType}, ${depth} bits.`);
  const bpp = (channels * depth) / 8;
  const raw = unfilter(unzlibSync(concat(idat)), width, height, bpp);
  const deep = depth === 16;
  const rgba = deep ? new Uint16Array(width * height * 4) : new Uint8Array(width * height * 4);
  const sample = deep ? (i) => (raw[i * 2] << 8) | raw[i * 2 + 1] : (i) => raw[i];
  const grey = channels < 3, alpha = channels === 4 || channels === 2;
  const opaque = deep ? 65535 : 255;
  for (let p = 0; p < width * height; p++) {
    const s = p * channels;
    rgba[p * 4] = sample(s);
    rgba[p * 4 + 1] = sample(grey ? s : s + 1);
    rgba[p * 4 + 2] = sample(grey ? s : s + 2);
    rgba[p * 4 + 3] = alpha ? sample(s + channels - 1) : opaque;
  }
  return { width, height, bitsPerChannel: depth, rgba };
}

// Undoes the per-row filters in place of a copy; the filter is chosen once per row, not per byte.
function unfilter(data, width, height, bpp) {
  const stride = width * bpp;
  const out = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = data[y * (stride + 1)];
    const line = data.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = y * stride, up = row - stride;
    switch (filter) {
      case 0: out.set(line, row); break;
      case 1: for (let x = 0; x < stride; x++) out[row + x] = (line[x] + (x >= bpp ? out[row + x - bpp] : 0)) & 0xff; break;
      case 2: for (let x = 0; x < stride; x++) out[row + x] = (line[x] + (y > 0 ? out[up + x] : 0)) & 0xff; break;
      case 3:
        for (let x = 0; x < stride; x++) {
          const a = x >= bpp ? out[row + x - bpp] : 0, b = y > 0 ? out[up + x] : 0;
          out[row + x] = (line[x] + ((a + b) >> 1)) & 0xff;
        }
        break;
      case 4:
        for (let x = 0; x < stride; x++) {
          const a = x >= bpp ? out[row + x - bpp] : 0, b = y > 0 ? out[up + x] : 0, c = x >= bpp && y > 0 ? out[up + x - bpp] : 0;
          out[row + x] = (line[x] + paeth(a, b, c)) & 0xff;
        }
        break;
      default: throw new Error(`Bad PNG filter ${filter}.`);
    }
  }
  return out;
}

function paeth(a, b, c) {
  const p = a + b - c;
  const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

function chunk(type, data) {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set([...type].map((ch) => ch.charCodeAt(0)), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

function concat(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

module.exports = { encodePng, decodePng };
