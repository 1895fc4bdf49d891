// panel.css uses only what UXP's CSS reference documents (uxp-api/reference-css: the "Styles" list below, custom
// properties through var()). Unlisted ones (gap, object-fit, repeating-conic-gradient, ...) are silently ignored in
// Photoshop, so a layout relying on them falls apart there only.
import { describe, it, expect } from "vitest";
import fs from "node:fs";

const DOCUMENTED = new Set(`align-content align-items align-self background-attachment background-color background-image
  background-repeat background-size background border-bottom-color border-bottom-left-radius border-bottom-right-radius
  border-bottom-style border-bottom-width border-bottom border-color border-left-color border-left-style border-left-width
  border-left border-radius border-right-color border-right-style border-right-width border-right border-style
  border-top-color border-top-left-radius border-top-style border-top-width border-top border-width bottom color display
  flex-basis flex-direction flex-grow flex-shrink flex-wrap flex font-family font-size font-style font-weight height
  justify-content left letter-spacing margin-bottom margin-left margin-right margin-top margin max-height max-width
  min-height min-width opacity overflow-x overflow-y overflow padding-bottom padding-left padding-right padding-top
  padding right text-align text-overflow top visibility white-space width`.split(/\s+/));

const css = fs.readFileSync(new URL("../src/panel.css", import.meta.url), "utf8").replace(/\/\*[\s\S]*?\*\//g, "");
const declarations = [...css.matchAll(/([\w-]+)\s*:\s*([^;{}]+);/g)].map(([, property, value]) => ({ property, value }));

describe("panel.css", () => {
  it("usesOnlyDocumentedProperties_NoGapObjectFitOrConicGradient (defect 7)", () => {
    expect(declarations.length).toBeGreaterThan(10);
    expect(declarations.map((d) => d.property).filter((p) => !DOCUMENTED.has(p))).toEqual([]);
    expect(declarations.filter((d) => /gradient\(/.test(d.value))).toEqual([]);
  });
});
