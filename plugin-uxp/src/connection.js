// The WebSocket to the bridge: hello on every open, automatic reconnect with backoff, and decoded frames out.
const { PROTOCOL_VERSION, ProtocolError, encodeText, encodeBinary, decodeFrame } = require("./protocol.js");

const ConnectionState = Object.freeze({
  Connecting: "connecting", Connected: "connected", Reconnecting: "reconnecting",
  Stopped: "stopped", // a fatal error (bad token, version mismatch) or stop(): no reconnect until the next start()
});

const MAX_BACKOFF_MS = 15000;

class Connection {
  // events: onState(state), onWelcome(message), onMessage(message, payload), onError(error)
  constructor({ address, token, client, WebSocket, timers = globalThis, events }) {
    Object.assign(this, { address, token, client, WebSocketImpl: WebSocket, timers, events });
    this.state = ConnectionState.Stopped;
    this.attempt = 0;
    this.socket = null;
    this.retry = null;
  }

  start() {
    this.stopped = false;
    this.open();
  }

  stop() {
    this.stopped = true;
    this.timers.clearTimeout(this.retry);
    if (this.socket) this.socket.close();
    this.setState(ConnectionState.Stopped);
  }

  // Bytes sent but not yet on the wire (the WebSocket's bufferedAmount), for upload progress.
  get bufferedAmount() {
    return (this.socket && this.socket.bufferedAmount) || 0;
  }

  send(message, payload) {
    if (this.state !== ConnectionState.Connected) throw new Error("Not connected to the bridge.");
    this.socket.send(payload ? encodeBinary(message, payload) : encodeText(message));
  }

  open() {
    this.setState(this.attempt === 0 ? ConnectionState.Connecting : ConnectionState.Reconnecting);
    const socket = new this.WebSocketImpl(this.address);
    this.socket = socket;
    socket.binaryType = "arraybuffer";
    let welcomed = false;
    socket.onopen = () => socket.send(encodeText({ type: "hello", protocol: PROTOCOL_VERSION, token: this.token, client: this.client }));
    socket.onmessage = (event) => {
      let frame;
      try {
        frame = decodeFrame(event.data);
      } catch (e) {
        if (!(e instanceof ProtocolError)) throw e;
        this.events.onError({ code: "bad_frame", message: `The bridge sent a frame this panel cannot read: ${e.message}` });
        return;
      }
      const { message, payload } = frame;
      if (message.type === "welcome") {
        welcomed = true;
        this.attempt = 0;
        this.setState(ConnectionState.Connected);
        this.events.onWelcome(message);
      } else if (message.type === "error") {
        if (message.fatal) this.stopped = true;
        this.events.onError(message);
      } else {
        this.events.onMessage(message, payload);
      }
    };
    // The spec fires close after error, but not every WebSocket does (Node 20's fires only error when a connection
    // is refused), so either one counts as the loss, once.
    let lost = false;
    socket.onerror = () => socket.onclose();
    socket.onclose = () => {
      if (this.socket !== socket || lost) return;
      lost = true;
      if (!welcomed && !this.stopped && this.attempt === 0) this.events.onError({ code: "bridge_unreachable", address: this.address });
      if (this.stopped) return this.setState(ConnectionState.Stopped);
      const delay = Math.min(500 * 2 ** this.attempt, MAX_BACKOFF_MS);
      this.attempt++;
      this.setState(ConnectionState.Reconnecting);
      this.retry = this.timers.setTimeout(() => this.open(), delay);
    };
  }

  setState(state) {
    if (state === this.state) return;
    this.state = state;
    this.events.onState(state);
  }
}

module.exports = { ConnectionState, Connection };
