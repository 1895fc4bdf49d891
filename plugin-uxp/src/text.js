// UTF-8 and base64 for the panel. UXP documents neither TextDecoder nor btoa among its globals, so these use them
// only where they exist and fall back to plain code (UTF-8 through encodeURIComponent, base64 by table).
const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

function utf8Encode(text) {
  if (typeof TextEncoder === "function") return new TextEncoder().encode(text);
  const escaped = encodeURIComponent(text);
  const bytes = [];
  for (let i = 0; i < escaped.length; i++) {
    if (escaped[i] === "%") {
      bytes.push(parseInt(escaped.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(escaped.charCodeAt(i));
  }
  return Uint8Array.from(bytes);
}

function utf8Decode(bytes) {
  if (typeof TextDecoder === "function") return new TextDecoder().decode(bytes);
  let escaped = "";
  for (const b of bytes) escaped += (b < 16 ? "%0" : "%") + b.toString(16);
  return decodeURIComponent(escaped);
}

function base64Encode(bytes) {
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const [a, b = 0, c = 0] = [bytes[i], bytes[i + 1], bytes[i + 2]];
    const n = (a << 16) | (b << 8) | c;
    out += BASE64[n >> 18] + BASE64[(n >> 12) & 63]
      + (i + 1 < bytes.length ? BASE64[(n >> 6) & 63] : "=") + (i + 2 < bytes.length ? BASE64[n & 63] : "=");
  }
  return out;
}

module.exports = { utf8Encode, utf8Decode, base64Encode };
