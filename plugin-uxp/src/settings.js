// What the panel remembers: the bridge address and the unfinished job in localStorage, the token in
// UXP secure storage (encrypted by the OS, never in plain files).
const { utf8Decode } = require("./text.js");

const ADDRESS = "qwenlayered.address";
const TOKEN = "qwenlayered.token";
const UNFINISHED_JOB = "qwenlayered.unfinishedJob";
const DEFAULT_ADDRESS = "ws://127.0.0.1:50052/panel";

function createSettings({ localStorage, secureStorage }) {
  return {
    address: () => localStorage.getItem(ADDRESS) || DEFAULT_ADDRESS,
    setAddress: (address) => localStorage.setItem(ADDRESS, address),
    // The kept token, or "" when there is none or secure storage lost it (a documented caveat: it is a cache).
    async token() {
      try {
        const stored = await secureStorage.getItem(TOKEN);
        return stored ? utf8Decode(stored) : "";
      } catch {
        return "";
      }
    },
    // An empty token (the bridge holds it) is forgotten: secure storage rejects an empty value, and removing a
    // token that was never kept rejects too.
    setToken: (token) => (token ? secureStorage.setItem(TOKEN, token) : secureStorage.removeItem(TOKEN).catch(() => {})),
    // { jobId, clientRequestId, source, groupName? } of the job to attach to after a reload.
    unfinishedJob() {
      const json = localStorage.getItem(UNFINISHED_JOB);
      return json ? JSON.parse(json) : null;
    },
    setUnfinishedJob: (job) => localStorage.setItem(UNFINISHED_JOB, JSON.stringify(job)),
    clearUnfinishedJob: () => localStorage.removeItem(UNFINISHED_JOB),
  };
}

module.exports = { DEFAULT_ADDRESS, createSettings };
