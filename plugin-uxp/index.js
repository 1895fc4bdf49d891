// Panel entry: Photoshop calls setup once and shows the panel registered under the manifest's entrypoint id.
const { entrypoints, storage, host: uxpHost } = require("uxp");
const photoshop = require("photoshop");
const { createPhotoshopHost } = require("./src/photoshop.js");
const { hostProblem } = require("./src/host.js");
const { createSettings } = require("./src/settings.js");
const { dataFolderFiles } = require("./src/datafolder.js");
const { ResultHistory } = require("./src/results.js");
const { createView } = require("./src/ui.js");
const { PanelController } = require("./src/controller.js");

function start() {
  const view = createView(document);
  const settings = createSettings({ localStorage: window.localStorage, secureStorage: storage.secureStorage });
  const results = new ResultHistory(dataFolderFiles(storage));
  const controller = new PanelController({ host: createPhotoshopHost(photoshop), view, settings, WebSocket, results });
  const report = (promise) => controller.report(promise);

  const problem = hostProblem(photoshop, uxpHost && uxpHost.version);
  if (problem) view.showError(problem);
  view.fillSettings({ address: settings.address(), token: "" });
  report(settings.token().then((token) => view.fillSettings({ address: settings.address(), token })));
  view.on("connect", () => {
    const { address, token } = view.readSettings();
    settings.setAddress(address);
    // Connect even when the token cannot be kept for next time.
    report(settings.setToken(token).catch((e) => view.showError(`The token could not be kept for next time: ${e.message}`))
      .then(() => controller.connect()));
  });
  view.on("decompose", () => report(controller.decompose(view.readForm())));
  view.on("decompose-further", () => report(controller.decomposeFurther(view.readForm())));
  view.on("cancel", () => controller.cancel());
  view.on("cancel-all", () => controller.cancelAll());
  report(controller.restoreResults());
  report(controller.connect());
}

entrypoints.setup({
  panels: {
    qwenlayeredPanel: {
      show() {},
    },
  },
});
document.addEventListener("DOMContentLoaded", start);
