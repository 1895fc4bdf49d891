// The manifest is what Photoshop reads to load the panel; a mistake there means no panel at all.
import { describe, it, expect } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
const manifest = JSON.parse(fs.readFileSync(path.join(root, "manifest.json"), "utf8"));

describe("manifest.json", () => {
  it("is a v5 manifest for Photoshop 24.4 or later", () => {
    expect(manifest.manifestVersion).toBe(5);
    expect(manifest.host.app).toBe("PS");
    expect(manifest.host.minVersion).toBe("24.4.0");
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
