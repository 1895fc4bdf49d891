// The manifest is what Photoshop reads to load the panel; a mistake there means no panel at all.
import { describe, it, expect } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const { MIN_PHOTOSHOP, atLeast } = require("../src/host.js");
const manifest = JSON.parse(fs.readFileSync(path.join(root, "manifest.json"), "utf8"));

describe("manifest.json", () => {
  // The APIs the panel uses and the Photoshop that has them (AdobeDocs uxp-photoshop, ps_reference): Document.selection
  // 25.0 (changelog "Photoshop 25.0"), the Imaging API out of beta after 24.4 (changelog 24.2, 24.4; host.js detects
  // it too), executeAsModal's timeOut 25.10 (ExecuteAsModalOptions; optional: the panel retries a busy Photoshop itself).
  it("minVersion_MatchesTheApisUsed (defect 4)", () => {
    expect(manifest.manifestVersion).toBe(5);
    expect(manifest.host.app).toBe("PS");
    expect(manifest.host.minVersion).toBe(MIN_PHOTOSHOP);
    expect(atLeast(manifest.host.minVersion, "25.0.0")).toBe(true);
  });

  // Manifest v5: themed icons, 23 x 23 at scale 1 and 2 (the @2x file for scale 2).
  it("icons_EveryThemedIconAndItsDoubleSizeExistAtTheirSize", () => {
    const icons = [...manifest.icons, ...manifest.entrypoints.flatMap((e) => e.icons ?? [])];
    expect(manifest.entrypoints.every((e) => e.icons && e.icons.length > 0)).toBe(true);
    expect(icons.flatMap((i) => i.theme).sort()).toEqual(["dark", "dark", "darkest", "darkest", "light", "light", "lightest", "lightest", "medium", "medium"]);
    for (const icon of icons) {
      for (const scale of icon.scale) {
        const file = scale === 1 ? icon.path : icon.path.replace(/\.png$/, `@${scale}x.png`);
        const png = fs.readFileSync(path.join(root, file));
        expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([icon.width * scale, icon.height * scale]);
      }
    }
  });

  // Manifest v5 denies every network domain not declared, with no port wildcard documented; the panel connects to
  // an address the artist types (any port, this computer or a server with TLS), so it asks for all and says why.
  it("networkDomains_AllOnlyWithTheReasonDocumented", () => {
    const readme = fs.readFileSync(path.join(root, "..", "README.md"), "utf8").replace(/\s+/g, " ");
    if (manifest.requiredPermissions.network.domains === "all") {
      expect(readme).toMatch(/`"domains": "all"` network access because the address is the artist's to type/);
    } else {
      expect(manifest.requiredPermissions.network.domains.length).toBeGreaterThan(0);
    }
  });

  it("declares a panel entrypoint that the panel script registers", () => {
    const panels = manifest.entrypoints.filter((e) => e.type === "panel");
    const script = fs.readFileSync(path.join(root, "index.js"), "utf8");
    expect(panels.length).toBe(1);
    for (const panel of panels) expect(script).toMatch(new RegExp(`\\b${panel.id}\\s*:`));
  });

  it("points at a main file that exists and loads the panel script", () => {
    const html = fs.readFileSync(path.join(root, manifest.main), "utf8");
    expect(html).toContain('src="index.js"');
  });

  it("has the same version as package.json", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
    expect(manifest.version).toBe(pkg.version);
  });
});
