// The panel as Photoshop starts it: index.js run against the fake DOM of index.html, with require("uxp") and
// require("photoshop") answered by the host model's mocks, and DOMContentLoaded fired.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { fakeDocument } from "./dom.mjs";

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

export async function startPanelPage({ photoshop, uxp, localStorage, WebSocket, platform = "win32" }) {
  const document = fakeDocument(path.join(root, "index.html"), { platform });
  const requireFromRoot = createRequire(path.join(root, "index.js"));
  const require = (name) => ({ uxp, photoshop })[name] ?? requireFromRoot(name);
  const script = fs.readFileSync(path.join(root, "index.js"), "utf8");
  new Function("require", "document", "window", "WebSocket", script)(require, document, { localStorage }, WebSocket);
  document.fire("DOMContentLoaded");
  await settle();
  return { document, $: (id) => document.getElementById(id), settle };
}
