// Copies fflate's browser build into src/vendor: UXP's require() loads files by path, not from node_modules.
const fs = require("node:fs");
const path = require("node:path");

const root = path.join(__dirname, "..");
fs.mkdirSync(path.join(root, "src", "vendor"), { recursive: true });
fs.copyFileSync(path.join(root, "node_modules", "fflate", "lib", "browser.cjs"), path.join(root, "src", "vendor", "fflate.js"));
