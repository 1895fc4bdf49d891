// What the panel remembers: the bridge address and the unfinished job in localStorage, the token in
// UXP secure storage (encrypted by the OS, never in plain files).
const ADDRESS = "qwenlayered.address";
const TOKEN = "qwenlayered.token";
const UNFINISHED_JOB = "qwenlayered.unfinishedJob";
const DEFAULT_ADDRESS = "ws://127.0.0.1:50052/panel";

function createSettings({ localStorage, secureStorage }) {
  return {
    address: () => localStorage.getItem(ADDRESS) || DEFAULT_ADDRESS,
    setAddress: (address) => localStorage.setItem(ADDRESS, address),
    async token() {
      const stored = await secureStorage.getItem(TOKEN);
      return stored ? new TextDecoder().decode(stored) : "";
    },
    setToken: (token) => secureStorage.setItem(TOKEN, token),
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
