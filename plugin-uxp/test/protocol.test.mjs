// The shared protocol suite: the same vectors in docs/protocol-vectors that the C# bridge tests read.
import { describe, it, expect } from "vitest";
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const { PROTOCOL_VERSION, ProtocolError, encodeText, encodeBinary, decodeFrame } = require("../src/protocol.js");
const { Job, JobState } = require("../src/jobs.js");

const vectors = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "docs", "protocol-vectors");
const load = (file) => JSON.parse(fs.readFileSync(path.join(vectors, file), "utf8"));
const bytes = (base64) => new Uint8Array(Buffer.from(base64, "base64"));
const codec = load("codec.json");

describe("protocol vectors", () => {
  it("speak the panel's protocol version", () => {
    expect(codec.protocol).toBe(PROTOCOL_VERSION);
    expect(load("versions.json").bridgeProtocol).toBe(PROTOCOL_VERSION);
  });

  it.each(codec.text.map((v) => [v.name, v]))("text %s round-trips", (_, vector) => {
    const { message, payload } = decodeFrame(encodeText(vector.message));

    expect(message).toEqual(vector.message);
    expect(payload).toBeNull();
  });

  it.each(codec.binary.map((v) => [v.name, v]))("binary %s decodes and encodes to the vector's exact bytes", (_, vector) => {
    const frame = bytes(vector.frameBase64);

    const { message, payload } = decodeFrame(frame.buffer);

    expect(message).toEqual(vector.message);
    expect(payload).toEqual(bytes(vector.payloadBase64));
    expect(encodeBinary(message, payload)).toEqual(frame);
  });

  it.each(load("bad-frames.json").map((v) => [v.name, v]))("bad frame %s is refused", (_, vector) => {
    const data = vector.text ?? bytes(vector.binaryBase64).buffer;

    expect(() => decodeFrame(data)).toThrow(ProtocolError);
  });

  it("events of the shared stream build a completed job with every preview and layer", () => {
    const events = load("events.json");
    const job = new Job(events.clientRequestId, null);

    for (const v of events.stream) {
      const { message, payload } = decodeFrame(v.payloadBase64 ? encodeBinary(v.panel, bytes(v.payloadBase64)) : encodeText(v.panel));
      job.apply(message, payload);
    }

    expect(job).toMatchObject({ jobId: "job-1", state: JobState.Completed, lastSequence: 10, seed: "12345678901234567890", layerCount: 2, step: 2, totalSteps: 4 });
    expect([...job.previews.keys()]).toEqual([0, 1]);
    expect(job.layers.map((l) => l.name)).toEqual(["background", "square"]);
    const pieces = events.stream.filter((v) => v.panel.type === "layer" && v.panel.index === 0 || v.panel.type === "layerChunk");
    expect([...job.layers[0].png]).toEqual(pieces.flatMap((v) => [...bytes(v.payloadBase64)]));
    expect(job.layers[1]).toMatchObject({ x: 100, y: 120, width: 200, height: 150, bitsPerChannel: 8 });
  });

  it("a layer is not finished until its last piece arrives, and a piece out of order is refused", () => {
    const job = new Job("r", null);
    const event = { jobId: "j", time: null };
    job.apply({ ...event, type: "layer", sequence: 1, index: 0, name: "sky", x: 4, y: 5, width: 6, height: 7, bitsPerChannel: 16, chunkCount: 3 }, Uint8Array.of(1));
    job.apply({ ...event, type: "layerChunk", sequence: 2, layerIndex: 0, chunk: 1 }, Uint8Array.of(2, 3));

    expect(job.layers[0]).toBeUndefined();
    expect(() => job.apply({ ...event, type: "layerChunk", sequence: 3, layerIndex: 0, chunk: 1 }, Uint8Array.of(9))).toThrow(ProtocolError);
    job.apply({ ...event, type: "layerChunk", sequence: 4, layerIndex: 0, chunk: 2 }, Uint8Array.of(4));
    expect(job.layers[0]).toEqual({ name: "sky", x: 4, y: 5, width: 6, height: 7, bitsPerChannel: 16, png: Uint8Array.of(1, 2, 3, 4) });
  });

  it.each(load("events.json").endings.map((v) => [v.panel.type, v]))("a %s event ends the job", (type, vector) => {
    const job = new Job("r", null);

    job.apply(decodeFrame(encodeText(vector.panel)).message);

    expect(job.state).toBe(type === "failed" ? JobState.Failed : JobState.Cancelled);
    expect(job.finished).toBe(true);
  });
});
