// The panel protocol (docs/bridge-protocol.md): JSON text frames, and binary frames of
// "QLPF" + big-endian uint32 JSON length + JSON + image bytes for the messages that carry images.
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
  layer: { ...EVENT, index: "number", name: "string", bounds: "object?" },
  completed: { ...EVENT, layerCount: "number", timings: "object" },
  failed: { ...EVENT, statusCode: "number", message: "string" },
  cancelled: { ...EVENT, reason: "string" },
};
const CARRIES_PAYLOAD = new Set(["submit", "preview", "layer"]);

class ProtocolError extends Error {}

function encodeText(message) {
  if (CARRIES_PAYLOAD.has(message.type)) throw new ProtocolError(`A '${message.type}' message carries image bytes; send it as a binary frame.`);
  return JSON.stringify(message);
}

function encodeBinary(message, payload) {
  if (!CARRIES_PAYLOAD.has(message.type)) throw new ProtocolError(`A '${message.type}' message goes in a text frame.`);
  const json = new TextEncoder().encode(JSON.stringify(message));
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
  const message = parse(new TextDecoder().decode(bytes.subarray(HEADER_SIZE, HEADER_SIZE + jsonLength)));
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

module.exports = { PROTOCOL_VERSION, ProtocolError, encodeText, encodeBinary, decodeFrame };
