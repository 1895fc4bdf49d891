// Stand-ins for UXP's secure storage and the page's localStorage.
export function mockStorage(initial = {}) {
  const values = new Map(Object.entries(initial));
  return {
    getItem: (key) => (values.has(key) ? values.get(key) : null),
    setItem: (key, value) => values.set(key, value),
    removeItem: (key) => values.delete(key),
  };
}

export function mockSecureStorage(token) {
  const values = new Map(token ? [["qwenlayered.token", new TextEncoder().encode(token)]] : []);
  return {
    async getItem(key) { return values.get(key) ?? null; },
    async setItem(key, value) { values.set(key, new TextEncoder().encode(value)); },
  };
}
