// Panel entry: Photoshop calls setup once and shows the panel registered under the manifest's entrypoint id.
const { entrypoints, storage } = require("uxp");
const photoshop = require("photoshop");
const { createPhotoshopHost } = require("./src/photoshop.js");
const { createSettings } = require("./src/settings.js");
const { createView } = require("./src/ui.js");
const { PanelController } = require("./src/controller.js");

function start() {
  const view = createView(document);
  const settings = createSettings({ localStorage: window.localStorage, secureStorage: storage.secureStorage });
  const controller = new PanelController({ host: createPhotoshopHost(photoshop), view, settings, WebSocket });
  const report = (promise) => promise.catch((e) => view.showError(e.message));

  settings.token().then((token) => view.fillSettings({ address: settings.address(), token }));
  view.on("connect", () => {
    const { address, token } = view.readSettings();
    settings.setAddress(address);
    report(Promise.resolve(settings.setToken(token)).then(() => controller.connect()));
  });
  view.on("decompose", () => report(controller.decompose(view.readForm())));
  view.on("decompose-further", () => report(controller.decomposeFurther(view.readForm())));
  view.on("cancel", () => controller.cancel());
  view.on("cancel-all", () => controller.cancelAll());
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
