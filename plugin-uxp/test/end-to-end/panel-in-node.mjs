// The panel as index.js wires it up in Photoshop (its controller, the results history in the plugin's data folder, the
// insert through photoshop.js and placement.js), run under plain Node against a live bridge, with the host model's
// mocks of "photoshop" and "uxp" (test/mocks) standing in for Photoshop. The end-to-end scripts beside this file drive
// it and print what it did as JSON for the tests in tests/QwenLayered.Server.Tests/EndToEnd.
// Nothing here waits on the clock: the scripts act when the controller has handled a message (observed by wrapping
// its own handlers, which the connection looks up on every message).
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { mockPhotoshop } from "../mocks/photoshop.mjs";
import { mockUxp, mockStorage } from "../mocks/uxp.mjs";
import { recordingView } from "../mocks/panel.mjs";

const require = createRequire(import.meta.url);
const { PanelController } = require("../../src/controller.js");
const { createPhotoshopHost } = require("../../src/photoshop.js");
const { createSettings } = require("../../src/settings.js");
const { ResultHistory } = require("../../src/results.js");
const { dataFolderFiles } = require("../../src/datafolder.js");
const { decodeFrame } = require("../../src/protocol.js");
const { decodePng } = require("../../src/png.js");
const { utf8Decode } = require("../../src/text.js");

const sha256 = (data) => createHash("sha256").update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)).digest("hex");

// A document of width x height in the mock Photoshop, and a panel connected (once start() is called) to `address`
// with no token of its own: the bridge holds it. on: { welcomed(count), received(message, payload), failed(error) },
// each called after the controller handled it (received once the controller's handling, insert included, settled).
export function panelInNode({ address, width, height, timers = globalThis, on = {} }) {
  const ps = mockPhotoshop({ width, height });
  const uxp = mockUxp();
  const settings = createSettings({ localStorage: mockStorage({ "qwenlayered.address": address }), secureStorage: uxp.storage.secureStorage });
  const results = new ResultHistory(dataFolderFiles(uxp.storage));
  const view = recordingView();
  const sent = [];
  // The WebSocket the panel gets, keeping what the panel sends.
  class RecordingWebSocket extends globalThis.WebSocket {
    send(data) {
      sent.push(decodeFrame(data).message);
      super.send(data);
    }
  }
  const controller = new PanelController({ host: createPhotoshopHost(ps.photoshop), view, settings, WebSocket: RecordingWebSocket, timers, results });

  let welcomes = 0;
  const { welcomed, received, failed } = controller;
  controller.welcomed = (welcome) => {
    welcomed.call(controller, welcome);
    on.welcomed?.(++welcomes);
  };
  controller.received = async (message, payload) => {
    await received.call(controller, message, payload);
    await on.received?.(message, payload, welcomes);
  };
  controller.failed = (error) => {
    failed.call(controller, error);
    on.failed?.(error);
  };

  return {
    ps, uxp, view, controller, results, sent,
    async start() {
      await controller.restoreResults();
      await controller.connect();
    },
    // The artist's "Decompose to layers"; rejects when the panel sent no job (it says why in its error line).
    async decompose(form) {
      await controller.decompose(form);
      if (!controller.jobs.latest) throw new Error(`The panel sent no job: ${view.errors.join(" ")}`);
    },
    stop: () => controller.connection && controller.connection.stop(),
    // What Photoshop and the results history hold now, for the report.
    async snapshot() {
      await results.writing;
      return { document: documentReport(ps), history: await historyReport(results, uxp) };
    },
  };
}

// A layer event's pixels as the server sent them, to compare with what the panel put into Photoshop.
export function serverLayer(message, payload) {
  const { width, height, rgba } = decodePng(payload);
  return { index: message.index, name: message.name, x: message.x, y: message.y, width, height, sha256: sha256(rgba) };
}

// The mock document's layers, top first, each pixel layer with what putPixels left in it (where, how large, a hash of
// its values and how many of its pixels are not fully transparent), and how often each host call ran.
function documentReport({ doc, calls }) {
  const describe = (layer) => {
    const pixels = doc.pixels.get(layer.id);
    const put = pixels && {
      left: pixels.targetBounds.left, top: pixels.targetBounds.top, width: pixels.width, height: pixels.height,
      values: pixels.data.length, sha256: sha256(pixels.data), visible: countVisible(pixels.data),
    };
    return { id: layer.id, name: layer.name, kind: layer.kind ?? "pixel", ...(put && { pixels: put }), ...(layer.layers && { layers: layer.layers.map(describe) }) };
  };
  const counts = {};
  for (const { name } of calls) counts[name] = (counts[name] ?? 0) + 1;
  return { layers: doc.layers.map(describe), calls: counts };
}

const countVisible = (rgba) => {
  let visible = 0;
  for (let i = 3; i < rgba.length; i += 4) if (rgba[i] > 0) visible++;
  return visible;
};

// The kept results as the panel lists them, as results.json in the data folder holds them, and as a panel reloaded
// on the same data folder would list them.
async function historyReport(results, uxp) {
  const index = uxp.dataFolder.files.get("results.json");
  const reloaded = new ResultHistory(dataFolderFiles(uxp.storage));
  await reloaded.load();
  const describe = (list) => list.map(({ id, seed, inserted, layers }) => ({ id, seed, inserted, layers: layers.map(({ name, x, y }) => ({ name, x, y })) }));
  return {
    listed: describe(results.list()),
    saved: index ? JSON.parse(utf8Decode(index)) : null,
    files: [...uxp.dataFolder.files.keys()].sort(),
    reloaded: describe(reloaded.list()),
  };
}

// Writes the report and exits once it is out: stdout to a pipe is asynchronous, and exiting sooner would cut it short.
export function printReport(report, failure) {
  process.stdout.write(JSON.stringify({ ...report, failure }) + "\n", () => process.exit(failure ? 1 : 0));
}
