// Loaded into Chromium before the panel: a CommonJS require() over HTTP, mocked "uxp" and "photoshop" modules,
// and look-alikes of the Spectrum UXP widgets, so index.html renders as it would in the Photoshop panel.
(() => {
  const cache = {};
  const hostModules = {
    uxp: {
      entrypoints: { setup() {} },
      storage: {
        secureStorage: { getItem: async () => new TextEncoder().encode("artist-token"), setItem: async () => {} },
        // An empty plugin data folder: no results kept from before.
        localFileSystem: { getDataFolder: async () => ({ getEntry: async (name) => { throw new Error(`${name} does not exist`); } }) },
        formats: { utf8: "utf8", binary: "binary" },
      },
      host: { name: "Photoshop", version: "26.0.0" },
    },
    photoshop: (() => {
      const doc = {
        id: 1, name: "poster.psd", width: 64, height: 64, mode: "RGB", bitsPerChannel: "8", activeLayers: [], selection: {},
      };
      return {
        app: { activeDocument: doc, documents: [doc] },
        core: { executeAsModal: (fn) => fn({ hostControl: {} }) },
        imaging: {
          getPixels: async ({ sourceBounds }) => ({
            sourceBounds,
            imageData: { width: 64, height: 64, components: 4, componentSize: 8, getData: async () => new Uint8Array(64 * 64 * 4).fill(128), dispose() {} },
          }),
          putPixels: async () => {},
          createImageDataFromBuffer: async () => ({ dispose() {} }),
        },
        constants: { BitsPerChannelType: { EIGHT: "8", SIXTEEN: "16" }, DocumentMode: { RGB: "RGB" } },
      };
    })(),
  };

  function load(path) {
    if (!cache[path]) {
      const request = new XMLHttpRequest();
      request.open("GET", path, false); // synchronous, like UXP's require
      request.send();
      const module = { exports: {} };
      cache[path] = module;
      const dir = path.slice(0, path.lastIndexOf("/") + 1);
      new Function("module", "exports", "require", request.responseText)(module, module.exports, (name) => resolve(name, dir));
    }
    return cache[path].exports;
  }

  function resolve(name, dir) {
    if (hostModules[name]) return hostModules[name];
    const parts = (dir + name).split("/");
    const out = [];
    for (const part of parts) part === ".." ? out.pop() : part !== "." && out.push(part);
    return load(out.join("/"));
  }

  window.require = (name) => resolve(name, "/");

  // Defined once the page is parsed, so each widget sees its children (menu items, labels) when it renders.
  const widgets = [];
  const define = (tag, render) => widgets.push([tag, render]);
  document.addEventListener("DOMContentLoaded", () => {
    for (const [tag, render] of widgets) customElements.define(tag, class extends HTMLElement { connectedCallback() { render(this); } });
  });
  const label = (el) => el.querySelector("sp-label")?.textContent ?? el.getAttribute("label") ?? "";
  define("sp-textfield", (el) => {
    const input = document.createElement("input");
    input.type = el.getAttribute("type") === "password" ? "password" : "text";
    input.placeholder = el.getAttribute("placeholder") ?? "";
    input.value = el.getAttribute("value") ?? "";
    const caption = document.createElement("div");
    caption.className = "sp-caption";
    caption.textContent = label(el);
    el.replaceChildren(caption, input);
    Object.defineProperty(el, "value", { get: () => input.value, set: (v) => { input.value = v; } });
  });
  // The menu items stay where the panel reads and refills them (as in UXP); a select shows them, and selectedIndex,
  // which Adobe documents for sp-picker, is the select's.
  define("sp-picker", (el) => {
    const select = document.createElement("select");
    const menu = el.querySelector("sp-menu");
    menu.hidden = true;
    const show = () => select.replaceChildren(...Array.from(menu.querySelectorAll("sp-menu-item"),
      (item) => new Option(item.textContent, item.getAttribute("value"), false, item.hasAttribute("selected"))));
    show();
    new MutationObserver(show).observe(menu, { childList: true, subtree: true, attributes: true });
    const caption = document.createElement("div");
    caption.className = "sp-caption";
    caption.textContent = label(el);
    el.prepend(caption, select);
    Object.defineProperty(el, "selectedIndex", { get: () => select.selectedIndex, set: (i) => { select.selectedIndex = i; } });
  });
  define("sp-progressbar", (el) => {
    const bar = document.createElement("div");
    bar.className = "sp-track";
    bar.innerHTML = '<div class="sp-fill"></div>';
    el.appendChild(bar);
    new MutationObserver(() => { bar.firstChild.style.width = `${el.getAttribute("value")}%`; }).observe(el, { attributes: true });
  });
})();
