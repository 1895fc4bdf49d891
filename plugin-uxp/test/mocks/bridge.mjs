// A scripted bridge: a WebSocket class for the panel whose every socket the test drives by hand.
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const { decodeFrame, encodeText, encodeBinary } = require("../../src/protocol.js");

export function fakeBridge() {
  const sockets = [];
  class FakeWebSocket {
    constructor(url) {
      Object.assign(this, { url, sent: [], closed: false });
      sockets.push(this);
    }
    send(data) { this.sent.push(decodeFrame(typeof data === "string" ? data : data)); }
    close() { this.closed = true; }
  }
  const bridge = {
    WebSocket: FakeWebSocket,
    sockets,
    get socket() { return sockets[sockets.length - 1]; },
    open() { bridge.socket.onopen(); },
    // Sends a message from the bridge to the panel; waits for the panel's async handling to settle.
    async push(message, payload) {
      await bridge.socket.onmessage({ data: payload ? encodeBinary(message, payload).buffer : encodeText(message) });
      await new Promise((resolve) => setTimeout(resolve, 0));
    },
    async pushRaw(data) {
      await bridge.socket.onmessage({ data });
    },
    drop() { bridge.socket.onclose(); },
    // A connection attempt refused, reported as Node 20's WebSocket does: an error event and no close event.
    refuse() { bridge.socket.onerror(); },
    sent: () => bridge.socket.sent.map((f) => f.message),
  };
  return bridge;
}

export function fakeTimers() {
  const pending = [];
  return {
    pending,
    setTimeout(fn, ms) { pending.push({ fn, ms }); return pending.length; },
    clearTimeout() {},
    runNext() { pending.shift().fn(); },
  };
}

export const welcome = {
  type: "welcome", protocol: 1, bridgeVersion: "0.1.0",
  server: {
    serverVersion: "0.1.0", contractVersion: "qwenlayered.v1", modelLoaded: true, modelName: "Qwen-Image-Layered", maxLayers: 10, maxSteps: 100,
    maxPixels: 64 * 1024 * 1024, maxImageBytes: 64 * 1024 * 1024, queueCapacity: 32, maxQueuedPerArtist: 16, queueLength: 0,
    resolutions: [640, 1024], captionsEmptyPrompt: true, defaults: { layers: 4, steps: 50, guidanceScale: 4, resolution: 640 },
  },
};

// What the bridge passes on from GetServerInfo for the demo model in models/ (its qwenlayered.json): trained at 64 px,
// 20 steps, on the empty prompt, without a vision tower to caption with.
export const demoWelcome = {
  ...welcome,
  server: {
    ...welcome.server, modelName: "qwenlayered-demo",
    resolutions: [64], captionsEmptyPrompt: false, defaults: { layers: 4, steps: 20, guidanceScale: 1, resolution: 64 },
  },
};
