// The panel protocol (docs/bridge-protocol.md): JSON text frames, and binary frames of
// "QLPF" + big-endian uint32 JSON length + JSON + image bytes for the messages that carry images.
const { utf8Encode, utf8Decode } = require("./text.js");

const PROTOCOL_VERSION = 1;
const MAGIC = [0x51, 0x4c, 0x50, 0x46]; // "QLPF"
const HEADER_SIZE = 8;

// Field kinds per message type; "?" marks an optional field. Anything else is a bad frame.
const EVENT = { jobId: "string", sequence: "number", time: "string?" };
const FIELDS = {
  hello: { protocol: "number", token: "string?", client: "string?" },
  submit: {
    clientRequestId: "string", layers: "number?", automaticLayers: "boolean?", prompt: "string?", negativePrompt: "string?", steps: "number?",
    guidanceScale: "number?", seed: "string?", resolution: "number?", preview: "object?", region: "object?",
    workingSize: "boolean?", sixteenBit: "boolean?",
  },
  cancel: { jobId: "string" },
  attach: { jobId: "string", afterSequence: "number?" },
  welcome: { protocol: "number", bridgeVersion: "string", server: "object" },
  error: { code: "string", message: "string", jobId: "string?", clientRequestId: "string?", fatal: "boolean?" },
  cancelResult: { jobId: "string", cancelled: "boolean" },
  accepted: { ...EVENT, queuePosition: "number", clientRequestId: "string?" },
  queuePosition: { ...EVENT, queuePosition: "number" },
  started: { ...EVENT, seed: "string", width: "number", height: "number", layers: "number", steps: "number", prompt: "string" },
  progress: { ...EVENT, step: "number", totalSteps: "number", elapsedMs: "number", remainingMs: "number" },
  preview: { ...EVENT, step: "number", layerIndex: "number" },
  // A layer as it is placed: its PNG (width x height, 8 or 16 bits) goes at (x, y) on the started event's canvas; when
  // chunkCount > 1 the payload is the PNG's first piece and layerChunk messages bring the rest, in order.
  layer: {
    ...EVENT, index: "number", name: "string", bounds: "object?", x: "number?", y: "number?", width: "number?", height: "number?",
    bitsPerChannel: "number?", chunkCount: "number?",
  },
  layerChunk: { ...EVENT, layerIndex: "number", chunk: "number" },
  completed: { ...EVENT, layerCount: "number", timings: "object" },
  failed: { ...EVENT, statusCode: "number", message: "string" },
  cancelled: { ...EVENT, reason: "string" },
};
const CARRIES_PAYLOAD = new Set(["submit", "preview", "layer", "layerChunk"]);

class ProtocolError extends Error {}

function encodeText(message) {
  if (CARRIES_PAYLOAD.has(message.type)) throw new ProtocolError(`A '${message.type}' message carries image bytes; send it as a binary frame.`);
  return JSON.stringify(message);
}

function encodeBinary(message, payload) {
  if (!CARRIES_PAYLOAD.has(message.type)) throw new ProtocolError(`A '${message.type}' message goes in a text frame.`);
  const json = utf8Encode(JSON.stringify(message));
  const frame = new Uint8Array(HEADER_SIZE + json.length + payload.length);
  frame.set(MAGIC, 0);
  new DataView(frame.buffer).setUint32(4, json.length, false);
  frame.set(json, HEADER_SIZE);
  frame.set(payload, HEADER_SIZE + json.length);
  return frame;
}

// Returns { message, payload }; payload is null for text frames. Throws ProtocolError for a bad frame.
function decodeFrame(data) {
  if (typeof data === "string") {
    const message = parse(data);
    if (CARRIES_PAYLOAD.has(message.type)) throw new ProtocolError(`A '${message.type}' message must come in a binary frame.`);
    return { message, payload: null };
  }
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  if (bytes.length < HEADER_SIZE || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new ProtocolError('A binary frame must start with "QLPF" and the JSON length.');
  }
  const jsonLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, false);
  if (jsonLength > bytes.length - HEADER_SIZE) throw new ProtocolError(`The binary frame announces ${jsonLength} bytes of JSON but holds fewer.`);
  const message = parse(utf8Decode(bytes.subarray(HEADER_SIZE, HEADER_SIZE + jsonLength)));
  const payload = bytes.subarray(HEADER_SIZE + jsonLength);
  if (!CARRIES_PAYLOAD.has(message.type)) throw new ProtocolError(`A '${message.type}' message goes in a text frame.`);
  if (payload.length === 0) throw new ProtocolError(`A '${message.type}' frame must carry image bytes after its JSON.`);
  return { message, payload };
}

function parse(text) {
  let message;
  try {
    message = JSON.parse(text);
  } catch (e) {
    throw new ProtocolError(`Not JSON: ${e.message}`);
  }
  const fields = message && typeof message === "object" ? FIELDS[message.type] : undefined;
  if (!fields) throw new ProtocolError(`Not a panel protocol message type: ${JSON.stringify(message && message.type)}`);
  for (const [name, kind] of Object.entries(fields)) {
    const optional = kind.endsWith("?");
    const value = message[name];
    if (value === undefined || value === null) {
      if (!optional) throw new ProtocolError(`A '${message.type}' message needs '${name}'.`);
    } else if (typeof value !== kind.replace("?", "")) {
      throw new ProtocolError(`'${name}' of a '${message.type}' message must be a ${kind.replace("?", "")}.`);
    }
  }
  return message;
}

// Collects one layer's PNG from its layer message and the layerChunk messages after it. add() returns the finished
// layer ({ name, x, y, width, height, bitsPerChannel, png }) once every piece is in, else null.
class LayerAssembly {
  constructor(layer, firstPiece) {
    this.layer = layer;
    this.pieces = [firstPiece];
  }

  add(chunk, piece) {
    if (chunk.layerIndex !== this.layer.index || chunk.chunk !== this.pieces.length) {
      throw new ProtocolError(`Piece ${chunk.chunk} of layer ${chunk.layerIndex} came where piece ${this.pieces.length} of layer ${this.layer.index} was due.`);
    }
    this.pieces.push(piece);
    return this.finished();
  }

  finished() {
    const { name, x = 0, y = 0, width, height, bitsPerChannel = 8, chunkCount = 1 } = this.layer;
    if (this.pieces.length < chunkCount) return null;
    const png = this.pieces.length === 1 ? this.pieces[0] : concat(this.pieces);
    return { name, x, y, width, height, bitsPerChannel, png };
  }
}

function concat(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

module.exports = { PROTOCOL_VERSION, ProtocolError, encodeText, encodeBinary, decodeFrame, LayerAssembly };
