// Plain words for what the bridge passes on from the server: the artist reads what happened and what to do, never a
// gRPC status name, a numeric status code or a .NET exception. Messages with nothing technical go to jobs.js's
// describeError as they are.
const { describeError } = require("./jobs.js");

// A failed job's gRPC status code (the `failed` event's statusCode) in words.
const FAILURES = {
  3: "The server could not use this image or these settings",
  4: "The server took too long",
  8: "The server ran out of memory; try fewer layers or a lower resolution",
  13: "The server hit an internal error",
  14: "The server is not ready (its model is loading, or it restarts); try again in a moment",
};

function describeFailure(statusCode, message) {
  return `${FAILURES[statusCode] ?? "The server could not finish the job"}: ${message}`;
}

function plainError(error) {
  switch (error.code) {
    case "bridge_unreachable":
      return `Nothing answers at ${error.address}. Start QwenLayered on this computer ("qwenlayered serve", or `
        + '"qwenlayered-bridge" for a server elsewhere) and check the address above.';
    case "server_unreachable": {
      const [, server] = /server at (\S+?):? /.exec(error.message) ?? [];
      return `The QwenLayered server${server ? ` at ${server}` : ""} does not answer. Check that it is running and that `
        + "qwenlayered-bridge was started with its address. The bridge keeps trying; the panel goes on where it was once the server answers.";
    }
    case "server_error":
      return `The server hit an error: ${error.message.replace(/^The server failed \(\w+\): /, "")}`;
    default:
      return describeError(error);
  }
}

module.exports = { describeFailure, plainError };
