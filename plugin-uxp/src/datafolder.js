// The plugin's data folder (require("uxp").storage.localFileSystem.getDataFolder()): files that outlive a panel
// reload and a Photoshop restart. Bytes go in and out as Uint8Array; UXP's File.write takes an ArrayBuffer.
function dataFolderFiles({ localFileSystem, formats }) {
  const folder = () => localFileSystem.getDataFolder();
  const entry = async (name) => {
    try {
      return await (await folder()).getEntry(name);
    } catch {
      return null; // getEntry rejects for a missing file
    }
  };
  return {
    async write(name, bytes) {
      const file = await (await folder()).createFile(name, { overwrite: true });
      await file.write(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), { format: formats.binary });
    },
    // The file's bytes, or null when there is none.
    async read(name) {
      const file = await entry(name);
      return file && new Uint8Array(await file.read({ format: formats.binary }));
    },
    async remove(name) {
      const file = await entry(name);
      if (file) await file.delete();
    },
  };
}

module.exports = { dataFolderFiles };
