// Which Photoshop the panel runs in, and whether it has what the panel uses: the Imaging API (beta-only before 25),
// document.selection (25.0). The panel says so in one clear line instead of failing with a TypeError later.
// MIN_PHOTOSHOP is the manifest's host.minVersion (a test keeps them equal); executeAsModal's timeOut (25.10) is
// only a help where present: the panel retries a busy Photoshop itself.
const MIN_PHOTOSHOP = "25.0.0";

// "26.1.0" >= "25.0.0", number by number.
function atLeast(version, wanted) {
  const [have, want] = [version, wanted].map((v) => String(v).split(".").map((n) => parseInt(n, 10) || 0));
  for (let i = 0; i < 3; i++) if ((have[i] ?? 0) !== want[i]) return (have[i] ?? 0) > want[i];
  return true;
}

const updateLine = (version) =>
  `QwenLayered needs Photoshop ${MIN_PHOTOSHOP} or later${version ? ` (this is ${version})` : ""}: update Photoshop in the Creative Cloud app.`;

// Null when the panel can work here, else the line to show. photoshop: require("photoshop"); version: require("uxp").host.version.
function hostProblem(photoshop, version) {
  if (version && !atLeast(version, MIN_PHOTOSHOP)) return updateLine(version);
  const { imaging } = photoshop;
  const methods = ["getPixels", "putPixels", "createImageDataFromBuffer"];
  if (!imaging || methods.some((m) => typeof imaging[m] !== "function")) return updateLine(version);
  return null;
}

module.exports = { MIN_PHOTOSHOP, atLeast, hostProblem };
