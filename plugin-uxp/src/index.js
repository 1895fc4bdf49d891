// Panel entry: Photoshop calls setup once and shows the panel registered under the manifest's entrypoint id.
const { entrypoints } = require("uxp");

entrypoints.setup({
  panels: {
    qwenlayeredPanel: {
      show() {},
    },
  },
});
