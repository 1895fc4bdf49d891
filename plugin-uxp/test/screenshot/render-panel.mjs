// `npm run screenshot`: renders index.html in headless Chromium with mocked host modules and a scripted bridge
// mid-job (queue, progress, previews of four layers), and writes a PNG for layout review: to the temporary folder,
// or to the path given (`npm run screenshot -- ../docs/panel-screenshot.png` updates the README's picture).
// Needs Debian's chromium (apt-get install chromium).
import http from "node:http";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { WebSocketServer } from "ws";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const { encodePng } = require("../../src/png.js");
const { decodeFrame, encodeText, encodeBinary } = require("../../src/protocol.js");

const here = path.dirname(fileURLToPath(import.meta.url));
const plugin = path.join(here, "..", "..");
const output = process.argv[2] ? path.resolve(process.argv[2]) : path.join(os.tmpdir(), "qwenlayered-panel-screenshot.png");

// Four layers of a little scene, as the previews would show them: sky, ground, sun, a house.
function layerPng(index) {
  const size = 64;
  const rgba = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const paint = [
        () => [90, 150, 230, 255],
        () => (y > 40 ? [70, 140, 60, 255] : null),
        () => ((x - 46) ** 2 + (y - 16) ** 2 < 81 ? [250, 200, 40, 255] : null),
        () => (x > 14 && x < 36 && y > 26 && y < 48 ? [180, 60, 50, 255] : null),
      ][index]();
      if (paint) rgba.set(paint, (y * size + x) * 4);
    }
  }
  return encodePng(rgba, size, size);
}

const server = http.createServer((request, response) => {
  const file = path.join(plugin, decodeURIComponent(new URL(request.url, "http://x").pathname));
  if (!file.startsWith(plugin) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) return response.writeHead(404).end();
  response.writeHead(200, { "content-type": file.endsWith(".css") ? "text/css" : file.endsWith(".html") ? "text/html" : "text/javascript" });
  response.end(fs.readFileSync(file));
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));

const bridge = new WebSocketServer({ host: "127.0.0.1", port: 0 });
const jobEvent = (type, sequence, fields) => ({ type, jobId: "job-1", sequence, ...fields });
bridge.on("connection", (socket) => {
  socket.on("message", (data, isBinary) => {
    const { message } = decodeFrame(isBinary ? new Uint8Array(data) : data.toString());
    if (message.type === "hello") {
      socket.send(encodeText({ type: "welcome", protocol: 1, bridgeVersion: "0.1.0", server: { serverVersion: "0.1.0", contractVersion: "qwenlayered.v1", modelLoaded: true, modelName: "Qwen-Image-Layered", maxLayers: 10, maxSteps: 100, maxPixels: 67108864, maxImageBytes: 67108864, queueCapacity: 32, maxQueuedPerArtist: 16, queueLength: 0, resolutions: [640, 1024], captionsEmptyPrompt: true, defaults: { layers: 4, steps: 50, guidanceScale: 4, resolution: 640 } } }));
    } else if (message.type === "submit") {
      socket.send(encodeText(jobEvent("accepted", 1, { queuePosition: 0, clientRequestId: message.clientRequestId })));
      socket.send(encodeText(jobEvent("started", 2, { seed: "1234", width: 640, height: 640, layers: 4, steps: 20, prompt: "a house" })));
      socket.send(encodeText(jobEvent("progress", 3, { step: 12, totalSteps: 20, elapsedMs: 18000, remainingMs: 12000 })));
      for (let i = 0; i < 4; i++) socket.send(encodeBinary(jobEvent("preview", 4 + i, { step: 12, layerIndex: i }), layerPng(i)));
    }
  });
});

const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu"] });
try {
  const page = await browser.newPage({ viewport: { width: 300, height: 660 }, deviceScaleFactor: 2 });
  page.on("pageerror", (e) => console.error("page error:", e.message));
  const address = `ws://127.0.0.1:${bridge.address().port}/panel`;
  await page.addInitScript((a) => localStorage.setItem("qwenlayered.address", a), address);
  await page.addInitScript({ path: path.join(here, "host-mocks.js") });
  const base = `http://127.0.0.1:${server.address().port}`;
  await page.goto(`${base}/index.html`);
  await page.addStyleTag({ url: `${base}/test/screenshot/spectrum-look.css` });
  await page.waitForFunction(() => document.getElementById("connection").textContent.startsWith("Connected"));
  await page.evaluate(() => document.getElementById("decompose").click());
  await page.waitForFunction(() => [...document.querySelectorAll("#previews img")].filter((img) => img.complete && img.naturalWidth).length === 4);
  await page.screenshot({ path: output, fullPage: true });
  console.log(`Wrote ${path.relative(process.cwd(), output)}`);
} finally {
  await browser.close();
  bridge.close();
  server.close();
}
