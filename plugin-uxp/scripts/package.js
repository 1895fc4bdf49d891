// `npm run package`: dist/qwenlayered-panel-VERSION.ccx, the zip of the plugin files that Photoshop's
// Creative Cloud installer (double-click) and the UXP Developer Tool accept.
const fs = require("node:fs");
const path = require("node:path");
const { zipSync } = require("fflate");

const root = path.join(__dirname, "..");
const PLUGIN_FILES = ["manifest.json", "index.html", "index.js", "src", "icons"];

function listFiles(relative) {
  const full = path.join(root, relative);
  if (!fs.statSync(full).isDirectory()) return [relative];
  return fs.readdirSync(full).sort().flatMap((name) => listFiles(path.posix.join(relative, name)));
}

function buildCcx() {
  const entries = Object.fromEntries(PLUGIN_FILES.flatMap(listFiles).map((file) => [file, fs.readFileSync(path.join(root, file))]));
  return zipSync(entries, { level: 9 });
}

if (require.main === module) {
  const { version } = JSON.parse(fs.readFileSync(path.join(root, "manifest.json"), "utf8"));
  const out = path.join(root, "dist", `qwenlayered-panel-${version}.ccx`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, buildCcx());
  console.log(`Wrote ${path.relative(process.cwd(), out)}`);
}

module.exports = { buildCcx };
