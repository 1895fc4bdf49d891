// The .ccx is a zip with the manifest at its root and every file the panel loads.
import { describe, it, expect } from "vitest";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { buildCcx } = require("../scripts/package.js");
const { unzipSync } = require("fflate");

describe("npm run package", () => {
  it("zips the manifest, the panel page and every script, the vendored fflate included", () => {
    const files = Object.keys(unzipSync(buildCcx()));

    expect(files).toContain("manifest.json");
    expect(files).toContain("index.html");
    expect(files).toContain("index.js");
    expect(files).toContain("icons/dark@2x.png");
    for (const module of ["connection", "jobs", "photoshop", "ui", "controller", "protocol", "png", "pixels", "settings", "vendor/fflate", "text", "host", "modal", "results", "datafolder", "words"]) {
      expect(files).toContain(`src/${module}.js`);
    }
    expect(files.filter((f) => f.startsWith("test/") || f.startsWith("node_modules/"))).toEqual([]);
  });
});
