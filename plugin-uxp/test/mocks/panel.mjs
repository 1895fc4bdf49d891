// A panel wired to the scripted bridge and the recording Photoshop, and a view that records what the artist sees.
import { createRequire } from "node:module";
import { mockStorage, mockSecureStorage } from "./uxp.mjs";

const require = createRequire(import.meta.url);
const { PanelController } = require("../../src/controller.js");
const { createPhotoshopHost } = require("../../src/photoshop.js");
const { createSettings } = require("../../src/settings.js");
const { encodePng } = require("../../src/png.js");

export function recordingView() {
  const view = { errors: [], states: [], lines: [], offers: [], forms: [], jobs: [] };
  Object.assign(view, {
    showForm: (form) => view.forms.push(form),
    showConnection: (state, detail) => view.states.push([state, detail]),
    showError: (text) => view.errors.push(text),
    clearError: () => {},
    showJob: (job, line) => view.lines.push(line),
    showQueue: (entries, cancel) => Object.assign(view, { queue: entries, cancelJob: cancel }),
    offerNewDocument: (text, accept) => view.offers.push({ text, accept }),
  });
  return view;
}

// Starts a panel (connect + the socket opened); pass the same localStorage again to model a panel reload.
export async function startPanel({ bridge, timers, ps, view, localStorage = mockStorage(), token = "t0k" }) {
  const settings = createSettings({ localStorage, secureStorage: mockSecureStorage(token) });
  const panel = new PanelController({ host: createPhotoshopHost(ps.photoshop), view, settings, WebSocket: bridge.WebSocket, timers });
  await panel.connect();
  bridge.open();
  return panel;
}

export const png = (w, h) => encodePng(new Uint8Array(w * h * 4).fill(200), w, h);
