// Finished results, so none is ever lost: a completed job's layers are kept until the artist inserts or discards
// them (an insert that could not run leaves them waiting), and the last few inserted stay for "Insert again".
// With `files` (datafolder.js) they outlive a panel reload and a Photoshop restart: an index of results.json and one
// PNG per layer. A result: { id, source, seed, layers: [{ name, x, y, png }], inserted, finishedAt }, newest first.
const { utf8Encode, utf8Decode } = require("./text.js");

const INDEX = "results.json";
const KEEP_INSERTED = 3;

const layerFile = (id, index) => `result-${id}-${index}.png`.replace(/[^\w.-]/g, "_");

class ResultHistory {
  constructor(files = null) {
    this.files = files;
    this.results = [];
    this.writing = Promise.resolve();
  }

  // Reads what an earlier panel kept; a result whose layer files are gone is dropped.
  async load() {
    const index = this.files && (await this.files.read(INDEX));
    if (!index) return;
    const loaded = [];
    for (const { layers, ...result } of JSON.parse(utf8Decode(index))) {
      const pngs = await Promise.all(layers.map((_, i) => this.files.read(layerFile(result.id, i))));
      if (pngs.every(Boolean)) loaded.push({ ...result, layers: layers.map(({ name, x, y }, i) => ({ name, x, y, png: pngs[i] })) });
    }
    this.results = loaded;
  }

  list() {
    return this.results;
  }

  find(id) {
    return this.results.find((r) => r.id === id);
  }

  // Keeps a completed job's layers (in memory at once; on disk when the returned promise settles).
  keep(job) {
    const result = {
      id: job.jobId, source: job.source, seed: job.seed, inserted: false, finishedAt: new Date().toISOString(),
      layers: job.layers.map(({ name, x, y, png }) => ({ name, x, y, png })),
    };
    this.results = [result, ...this.results.filter((r) => r.id !== result.id)];
    return { result, saved: this.persist(result.layers.map((layer, i) => [layerFile(result.id, i), layer.png]), []) };
  }

  // After an insert: the result stays for "Insert again", the oldest inserted ones beyond the last few go.
  markInserted(id) {
    const result = this.find(id);
    if (result) result.inserted = true;
    const dropped = this.results.filter((r) => r.inserted).slice(KEEP_INSERTED);
    this.results = this.results.filter((r) => !dropped.includes(r));
    return this.persist([], dropped);
  }

  discard(id) {
    const dropped = this.results.filter((r) => r.id === id);
    this.results = this.results.filter((r) => r.id !== id);
    return this.persist([], dropped);
  }

  // One write at a time, in order: new layer files, the index, then the files of dropped results.
  persist(written, dropped) {
    if (!this.files) return Promise.resolve();
    const index = this.results.map(({ layers, ...result }) => ({ ...result, layers: layers.map(({ name, x, y }) => ({ name, x, y })) }));
    const write = async () => {
      for (const [name, bytes] of written) await this.files.write(name, bytes);
      await this.files.write(INDEX, utf8Encode(JSON.stringify(index)));
      for (const result of dropped) for (let i = 0; i < result.layers.length; i++) await this.files.remove(layerFile(result.id, i));
    };
    this.writing = this.writing.then(write, write);
    return this.writing;
  }
}

module.exports = { ResultHistory };
