// The decompose form built from what the server publishes (GetServerInfo through the bridge's welcome), and shown in
// the panel's own index.html.
import { describe, it, expect } from "vitest";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { fakeDocument } from "./mocks/dom.mjs";
import { demoWelcome, welcome } from "./mocks/bridge.mjs";

const require = createRequire(import.meta.url);
const { formChoices, AUTOMATIC_LAYERS } = require("../src/form.js");
const { createView } = require("../src/ui.js");

const indexHtml = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "index.html");
const items = (document, pickerId) =>
  document.getElementById(pickerId).querySelectorAll("sp-menu-item").map((i) => [Number(i.getAttribute("value")), i.textContent, i.hasAttribute("selected")]);

describe("formChoices", () => {
  it("offers the demo model its 64 px and 20 steps, the model default first", () => {
    const form = formChoices(demoWelcome.server);

    expect(form.steps).toEqual([{ value: 0, label: "Model default (20)" }, { value: 10, label: "10 (faster)" }, { value: 40, label: "40 (finer)" }]);
    expect(form.resolutions).toEqual([{ value: 0, label: "Model default (64 px)" }, { value: 64, label: "64 px" }]);
    expect(form.layers.slice(0, 3)).toEqual([
      { value: 0, label: "Model default (4)" }, { value: AUTOMATIC_LAYERS, label: "Automatic (as many as the image has)" }, { value: 1, label: "1" },
    ]);
    expect(form.layers.at(-1)).toEqual({ value: 10, label: "10" });
    expect(form.promptPlaceholder).not.toContain("describes");
  });

  it("offers the published model its two resolutions and no more steps than the server allows", () => {
    const form = formChoices({ ...welcome.server, maxSteps: 80 });

    expect(form.resolutions.map((c) => c.label)).toEqual(["Model default (640 px)", "640 px (faster)", "1024 px"]);
    expect(form.steps.map((c) => c.value)).toEqual([0, 25, 80]);
    expect(form.promptPlaceholder).toContain("empty: the model describes it");
  });

  it("offers only the model default when an older bridge sends no model values", () => {
    const { resolutions, captionsEmptyPrompt, defaults, ...older } = welcome.server;

    const form = formChoices(older);

    expect([form.steps, form.resolutions]).toEqual([[{ value: 0, label: "Model default" }], [{ value: 0, label: "Model default" }]]);
    expect(form.layers[0]).toEqual({ value: 0, label: "Model default" });
  });
});

describe("the panel's form", () => {
  it("shows the demo model's values with the model default chosen, and sends 0 for each", () => {
    const document = fakeDocument(indexHtml);
    const view = createView(document);

    view.showForm(formChoices(demoWelcome.server));

    expect(items(document, "steps")).toEqual([[0, "Model default (20)", true], [10, "10 (faster)", false], [40, "40 (finer)", false]]);
    expect(items(document, "resolution")).toEqual([[0, "Model default (64 px)", true], [64, "64 px", false]]);
    expect(items(document, "layers").slice(0, 2)).toEqual([[0, "Model default (4)", true], [AUTOMATIC_LAYERS, "Automatic (as many as the image has)", false]]);
    expect(view.readForm()).toMatchObject({ layers: 0, automaticLayers: false, steps: 0, resolution: 0 });
  });

  it("reads Automatic layers as a request for the server to choose, and a count as that count", () => {
    const document = fakeDocument(indexHtml);
    const view = createView(document);
    view.showForm(formChoices(demoWelcome.server));

    const layers = document.getElementById("layers");
    const itemOf = (value) => Array.from(layers.querySelectorAll("sp-menu-item")).findIndex((i) => i.getAttribute("value") === value);
    layers.choose(itemOf(String(AUTOMATIC_LAYERS)));
    const automatic = view.readForm();
    layers.choose(itemOf("3"));

    expect(automatic).toMatchObject({ layers: 0, automaticLayers: true });
    expect(view.readForm()).toMatchObject({ layers: 3, automaticLayers: false });
  });

  // sp-picker's chosen item is its selectedIndex (Adobe's sp-dropdown page reads evt.target.selectedIndex; `value` is
  // not documented): the artist's pick arrives only that way.
  it("readForm_ArtistPicksAnItem_ReadsItThroughSelectedIndex (defect 7)", () => {
    const document = fakeDocument(indexHtml);
    const view = createView(document);
    view.showForm(formChoices(welcome.server));

    document.getElementById("source").choose(1);
    document.getElementById("steps").choose(1);
    document.getElementById("resolution").choose(2);

    expect(view.readForm()).toMatchObject({ source: "layer", steps: 25, resolution: 1024 });
  });

  it("keeps the artist's choice while the model still offers it, and drops one it refuses", () => {
    const document = fakeDocument(indexHtml);
    const view = createView(document);
    view.showForm(formChoices(welcome.server));
    document.getElementById("resolution").choose(2);
    document.getElementById("steps").choose(1);

    view.showForm(formChoices(welcome.server));
    const published = view.readForm();
    view.showForm(formChoices(demoWelcome.server));

    expect(published).toMatchObject({ steps: 25, resolution: 1024 });
    expect(view.readForm()).toMatchObject({ steps: 0, resolution: 0 });
  });

  it("showForm_ServerWithoutModel_DisablesDecomposeUntilOneIsLoaded (defect 9)", () => {
    const document = fakeDocument(indexHtml);
    const view = createView(document);

    view.showForm(formChoices({ ...welcome.server, modelLoaded: false }));
    const withoutModel = document.getElementById("decompose").disabled;
    view.showForm(formChoices(welcome.server));

    expect([withoutModel, document.getElementById("decompose").disabled]).toEqual([true, false]);
  });
});
