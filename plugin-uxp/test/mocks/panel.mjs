// The panel two ways: as Photoshop starts it (startPanelPage: index.js run against the fake DOM of index.html, with
// require("uxp") and require("photoshop") answered by the host model's mocks, and DOMContentLoaded fired), and as a
// controller wired to the scripted bridge and the recording Photoshop, with a view that records what the artist sees.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { fakeDocument } from "./dom.mjs";
import { mockStorage, mockSecureStorage } from "./uxp.mjs";

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const require = createRequire(import.meta.url);
const { PanelController } = require("../../src/controller.js");
const { createPhotoshopHost } = require("../../src/photoshop.js");
const { createSettings } = require("../../src/settings.js");
const { encodePng } = require("../../src/png.js");
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

export async function startPanelPage({ photoshop, uxp, localStorage, WebSocket, platform = "win32" }) {
  const document = fakeDocument(path.join(root, "index.html"), { platform });
  const requireFromRoot = createRequire(path.join(root, "index.js"));
  const panelRequire = (name) => ({ uxp, photoshop })[name] ?? requireFromRoot(name);
  const script = fs.readFileSync(path.join(root, "index.js"), "utf8");
  new Function("require", "document", "window", "WebSocket", script)(panelRequire, document, { localStorage }, WebSocket);
  document.fire("DOMContentLoaded");
  await settle();
  return { document, $: (id) => document.getElementById(id), settle };
}

export function recordingView() {
  const view = { errors: [], states: [], lines: [], offers: [], forms: [], jobs: [], results: [], resultActions: null };
  Object.assign(view, {
    showForm: (form) => view.forms.push(form),
    showConnection: (state, detail) => view.states.push([state, detail]),
    showError: (text) => view.errors.push(text),
    clearError: () => {},
    showJob: (job, line) => view.lines.push(line),
    showQueue: (entries, cancel) => Object.assign(view, { queue: entries, cancelJob: cancel }),
    offerNewDocument: (text, accept) => view.offers.push({ text, accept }),
    showResults: (results, actions) => Object.assign(view, { results: [...results], resultActions: actions }),
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
