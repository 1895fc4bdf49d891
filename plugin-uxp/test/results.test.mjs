// The result history on the plugin's data folder (uxp mock: File.write takes an ArrayBuffer, getEntry rejects a
// missing file).
import { describe, it, expect } from "vitest";
import { createRequire } from "node:module";
import { mockDataFolder, formats } from "./mocks/uxp.mjs";

const require = createRequire(import.meta.url);
const { ResultHistory } = require("../src/results.js");
const { dataFolderFiles } = require("../src/datafolder.js");

const history = (files) => new ResultHistory(dataFolderFiles({ localFileSystem: { getDataFolder: async () => mockDataFolder(files) }, formats }));
const job = (id) => ({ jobId: id, seed: "7", source: { name: "Sky" }, layers: [{ name: "a", png: new Uint8Array([1, 2]) }, { name: "b", png: new Uint8Array([3]) }] });

describe("ResultHistory", () => {
  it("load_AfterKeep_ReturnsTheResultWithItsLayerBytes", async () => {
    const files = new Map();
    await history(files).keep(job("j1")).saved;

    const reloaded = history(files);
    await reloaded.load();

    expect(reloaded.list().map((r) => [r.id, r.seed, r.inserted, r.layers.map((l) => [l.name, [...l.png]])])).toEqual([["j1", "7", false, [["a", [1, 2]], ["b", [3]]]]]);
  });

  it("load_LayerFileGone_DropsThatResultOnly", async () => {
    const files = new Map();
    const results = history(files);
    await results.keep(job("j1")).saved;
    await results.keep(job("j2")).saved;
    files.delete("result-j1-1.png");

    const reloaded = history(files);
    await reloaded.load();

    expect(reloaded.list().map((r) => r.id)).toEqual(["j2"]);
  });

  it("markInserted_MoreThanThreeInserted_KeepsTheLastThreeAndEveryWaitingOne", async () => {
    const files = new Map();
    const results = history(files);
    for (const id of ["j1", "j2", "j3", "j4", "j5"]) await results.keep(job(id)).saved;
    for (const id of ["j1", "j2", "j3", "j4"]) await results.markInserted(id);

    expect(results.list().map((r) => [r.id, r.inserted])).toEqual([["j5", false], ["j4", true], ["j3", true], ["j2", true]]);
    expect([...files.keys()].filter((f) => f.startsWith("result-j1"))).toEqual([]);
  });
});
