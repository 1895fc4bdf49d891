// UTF-8 and base64 without the globals UXP does not document: its global members list neither TextDecoder nor btoa
// (AdobeDocs/uxp-photoshop src/pages/uxp-api/reference-js/global-members/).
import { describe, it, expect, vi, afterEach } from "vitest";
import { createRequire } from "node:module";
import { mockSecureStorage, mockStorage } from "./mocks/uxp.mjs";
import { fakeDocument } from "./mocks/dom.mjs";

const require = createRequire(import.meta.url);
const { utf8Encode, utf8Decode, base64Encode } = require("../src/text.js");
const { createSettings } = require("../src/settings.js");
const { decodeFrame, encodeBinary } = require("../src/protocol.js");
const { createView } = require("../src/ui.js");
const { Job } = require("../src/jobs.js");

const withoutTextGlobals = () => {
  vi.stubGlobal("TextDecoder", undefined);
  vi.stubGlobal("TextEncoder", undefined);
  vi.stubGlobal("btoa", undefined);
};

afterEach(() => vi.unstubAllGlobals());

describe("text.js", () => {
  it.each(["", "plain", "Ünïcödé ✓ 漢字 🎨"])("utf8Encode_NoTextEncoder_EncodesAsTextEncoderDoes (%s)", (text) => {
    const expected = [...new TextEncoder().encode(text)];
    withoutTextGlobals();

    expect([...utf8Encode(text)]).toEqual(expected);
    expect(utf8Decode(utf8Encode(text))).toBe(text);
  });

  it.each([[[]], [[1]], [[1, 2]], [[0, 255, 128, 7]], [Array.from({ length: 300 }, (_, i) => (i * 37) % 256)]])("base64Encode_Bytes_MatchesNode (%#)", (bytes) => {
    expect(base64Encode(Uint8Array.from(bytes))).toBe(Buffer.from(bytes).toString("base64"));
  });
});

describe("the panel without TextDecoder, TextEncoder and btoa (defect 7)", () => {
  it("settings.token_NoTextDecoder_ReadsTheKeptToken (defect 7)", async () => {
    const settings = createSettings({ localStorage: mockStorage(), secureStorage: mockSecureStorage("t0k€n") });
    withoutTextGlobals();

    expect(await settings.token()).toBe("t0k€n");
  });

  it("decodeFrame_NoTextDecoder_ReadsABinaryFrame (defect 7)", () => {
    const frame = encodeBinary({ type: "layer", jobId: "j", sequence: 1, index: 0, name: "Ciel étoilé" }, new Uint8Array([1]));
    withoutTextGlobals();

    expect(decodeFrame(frame).message.name).toBe("Ciel étoilé");
    expect(decodeFrame(encodeBinary({ type: "preview", jobId: "j", sequence: 2, step: 1, layerIndex: 0 }, new Uint8Array([2]))).message.step).toBe(1);
  });

  it("showJob_NoBtoa_ShowsEachPreviewAsADataUrl (defect 7)", () => {
    const document = fakeDocument(new URL("../index.html", import.meta.url).pathname);
    const job = new Job("c", {});
    job.previews.set(0, new Uint8Array([137, 80, 78, 71]));
    withoutTextGlobals();

    createView(document).showJob(job, "Step 1 of 4");

    expect(document.getElementById("previews").children[0].src).toBe("data:image/png;base64,iVBORw==");
  });
});
