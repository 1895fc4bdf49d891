// Stand-ins for UXP's "uxp" module and the page's localStorage, refusing what Adobe documents as refused.

// The page's localStorage (a plain key-value store of strings).
export function mockStorage(initial = {}) {
  const values = new Map(Object.entries(initial));
  return {
    getItem: (key) => (values.has(key) ? values.get(key) : null),
    setItem: (key, value) => values.set(key, String(value)),
    removeItem: (key) => values.delete(key),
  };
}

const isEmpty = (value) => (typeof value === "string" ? value.length === 0 : value.byteLength === 0);

// require("uxp").storage.secureStorage
// (https://adobedocs.github.io/uxp-photoshop/uxp-api/reference-js/Modules/uxp/Key-Value%20Storage/SecureStorage):
// setItem "rejected when the value is empty", removeItem "rejected when the value is neither removed nor found",
// getItem resolves a Uint8Array. `damaged`: the documented caveat that secure storage "can be lost", as a read that fails.
export function mockSecureStorage(token, { damaged = false } = {}) {
  const values = new Map(token ? [["qwenlayered.token", new TextEncoder().encode(token)]] : []);
  return {
    values,
    async getItem(key) {
      if (damaged) throw new Error("The secure storage could not be decrypted.");
      return values.get(key) ?? null;
    },
    async setItem(key, value) {
      if (typeof value !== "string" && !(value instanceof ArrayBuffer) && !ArrayBuffer.isView(value)) throw new TypeError("value must be a string, ArrayBuffer or TypedArray");
      if (isEmpty(value)) throw new Error("The value is empty.");
      values.set(key, typeof value === "string" ? new TextEncoder().encode(value) : new Uint8Array(value.buffer ?? value));
    },
    async removeItem(key) {
      if (!values.delete(key)) throw new Error(`No value for ${key}.`);
    },
  };
}

// require("uxp").storage.localFileSystem's plugin data folder
// (AdobeDocs/uxp-photoshop src/pages/uxp-api/reference-js/modules/uxp/persistent-file-storage/folder.md, file.md):
// createFile (overwrite false by default), getEntry rejecting a missing entry, File.read/write with formats.binary
// taking a string or an ArrayBuffer only, Entry.delete. `files` is the folder's content and outlives a panel reload.
export const formats = { utf8: Symbol("utf8"), binary: Symbol("binary") };

export function mockDataFolder(files = new Map()) {
  const file = (name) => ({
    name, isFile: true,
    async write(data, { format = formats.utf8 } = {}) {
      if (format === formats.binary && !(data instanceof ArrayBuffer)) throw new TypeError("Binary data must be an ArrayBuffer.");
      if (format === formats.utf8 && typeof data !== "string") throw new TypeError("Text data must be a string.");
      files.set(name, format === formats.binary ? new Uint8Array(data.slice(0)) : data);
      return typeof data === "string" ? data.length : data.byteLength;
    },
    async read({ format = formats.utf8 } = {}) {
      if (!files.has(name)) throw new Error(`${name} does not exist.`);
      const data = files.get(name);
      if (format === formats.binary) return typeof data === "string" ? new TextEncoder().encode(data).buffer : data.slice().buffer;
      return typeof data === "string" ? data : new TextDecoder().decode(data);
    },
    async delete() {
      if (!files.delete(name)) throw new Error(`${name} does not exist.`);
      return 0;
    },
  });
  const folder = {
    files,
    async createFile(name, { overwrite = false } = {}) {
      if (files.has(name) && !overwrite) throw new Error(`${name} exists.`);
      return file(name);
    },
    async getEntry(name) {
      if (!files.has(name)) throw new Error(`${name} does not exist.`);
      return file(name);
    },
    async getEntries() { return [...files.keys()].map(file); },
  };
  return folder;
}

// The "uxp" module: storage (secure storage, the data folder, formats), host (name, version), entrypoints.
export function mockUxp({ token, damaged, version = "26.0.0", files } = {}) {
  const dataFolder = mockDataFolder(files);
  return {
    storage: {
      secureStorage: mockSecureStorage(token, { damaged }),
      localFileSystem: { async getDataFolder() { return dataFolder; } },
      formats,
    },
    host: { name: "Photoshop", version },
    entrypoints: { setup() {} },
    dataFolder,
  };
}
