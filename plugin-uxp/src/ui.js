// The panel's DOM: Spectrum UXP widgets in index.html, read and updated here and nowhere else.
const { ConnectionState } = require("./connection.js");
const { base64Encode } = require("./text.js");
const { AUTOMATIC_LAYERS } = require("./form.js");

const CONNECTION_TEXT = {
  [ConnectionState.Connecting]: "Connecting…",
  [ConnectionState.Connected]: "Connected",
  [ConnectionState.Reconnecting]: "Connection lost; reconnecting…",
  [ConnectionState.Stopped]: "Not connected",
};

function createView(document) {
  const $ = (id) => document.getElementById(id);
  // Spectrum text fields expose .value; the attribute covers the moment before they upgrade.
  const valueOf = (el) => el.value ?? el.getAttribute("value") ?? "";
  const show = (id, visible) => { $(id).hidden = !visible; };
  let ready = true; // the server has a model to run; jobs queue, so one under way does not stop another
  const token = rememberToken($("token"));

  return {
    fillSettings({ address, token: kept }) {
      $("address").value = address;
      token.fill(kept);
    },
    readSettings: () => ({ address: valueOf($("address")).trim(), token: token.read() }),
    // The form as the served model wants it (form.js); a choice the artist made stays while the model still offers it.
    showForm({ layers, steps, resolutions, promptPlaceholder, ready: modelReady = true }) {
      fillPicker($("layers"), layers, document);
      fillPicker($("steps"), steps, document);
      fillPicker($("resolution"), resolutions, document);
      $("prompt").setAttribute("placeholder", promptPlaceholder);
      ready = modelReady;
      $("decompose").disabled = !ready;
      $("decompose-further").disabled = !ready;
    },
    readForm: () => ({
      source: picked($("source")),
      ...layerChoice(Number(picked($("layers")))),
      steps: Number(picked($("steps"))) || 0,
      resolution: Number(picked($("resolution"))) || 0,
      prompt: valueOf($("prompt")).trim(),
      seed: valueOf($("seed")).trim(),
    }),
    on(id, handler) {
      $(id).addEventListener("click", handler);
    },
    showConnection(state, detail) {
      $("connection-dot").dataset.state = state;
      $("connection").textContent = CONNECTION_TEXT[state] + (detail ? `: ${detail}` : "");
    },
    showError(text) {
      $("error").textContent = text;
      show("error", true);
    },
    clearError: () => show("error", false),
    showJob(job, line) {
      show("job", true);
      show("offer", false);
      const percent = job.totalSteps ? Math.round((100 * job.step) / job.totalSteps) : 0;
      $("progress").value = percent;
      $("progress").setAttribute("value", String(percent));
      $("progress-label").textContent = job.totalSteps ? `Step ${job.step} / ${job.totalSteps}` : "Progress";
      $("job-status").textContent = line;
      $("cancel").disabled = job.finished;
      $("job-seed").textContent = job.seed ? `Seed ${job.seed}` : "";
      renderPreviews($("previews"), job, document);
    },
    // The kept results, newest first: Insert (or Insert again), Discard, and Use seed for each.
    showResults(results, { insert, discard }) {
      const list = $("results");
      while (list.firstChild) list.firstChild.remove();
      show("results-section", results.length > 0);
      for (const result of results) {
        const row = list.appendChild(document.createElement("div"));
        row.className = "result";
        const text = row.appendChild(document.createElement("sp-detail"));
        const waiting = result.inserted ? "" : ", not inserted yet";
        const count = result.layers.length;
        const { name, documentName } = result.source;
        const from = name === documentName ? name : `${documentName}, ${name}`;
        text.textContent = `${from}: ${count} ${count === 1 ? "layer" : "layers"}, seed ${result.seed}${waiting}`;
        button(row, result.inserted ? "Insert again" : "Insert", () => insert(result.id), document);
        button(row, "Discard", () => discard(result.id), document);
        button(row, "Use seed", () => { $("seed").value = result.seed; }, document);
      }
    },
    // Every job in the panel's queue (queue.js), each with its own Cancel while the server can still stop it.
    showQueue(entries, cancel) {
      const list = $("queue");
      while (list.firstChild) list.firstChild.remove();
      for (const { jobId, line, cancellable } of entries) {
        const row = list.appendChild(document.createElement("div"));
        row.appendChild(document.createElement("sp-body")).textContent = line;
        if (!cancellable) continue;
        const cancelButton = row.appendChild(document.createElement("sp-action-button"));
        cancelButton.textContent = "Cancel";
        cancelButton.onclick = () => cancel(jobId);
      }
      show("queue-section", entries.length > 1);
      $("cancel-all").disabled = !entries.some((e) => e.cancellable);
    },
    offerNewDocument(text, accept) {
      $("offer-text").textContent = text;
      show("offer", true);
      $("offer-accept").onclick = () => {
        show("offer", false);
        accept();
      };
    },
  };
}

// The chosen item's value: sp-picker documents `selectedIndex`, not `value`; before the widget upgrades, the item
// marked selected.
function picked(picker) {
  const items = Array.from(picker.querySelectorAll("sp-menu-item"));
  const index = picker.selectedIndex >= 0 ? picker.selectedIndex : items.findIndex((i) => i.hasAttribute("selected"));
  return items[Math.max(index, 0)].getAttribute("value");
}

// The token field. On macOS a password field's value cannot be read (a UXP known issue); Adobe's workaround: make it a
// text field while it has the focus. What the artist typed is remembered before it turns back into a password field.
function rememberToken(field) {
  let typed = "";
  const remember = () => { typed = field.value ?? ""; };
  field.addEventListener("focus", () => field.setAttribute("type", "text"));
  field.addEventListener("input", remember);
  field.addEventListener("blur", () => {
    remember();
    field.setAttribute("type", "password");
  });
  return {
    fill(token) {
      field.value = token;
      typed = token;
    },
    read: () => field.value || typed,
  };
}

function button(parent, label, onClick, document) {
  const el = parent.appendChild(document.createElement("sp-action-button"));
  el.setAttribute("quiet", "");
  el.textContent = label;
  el.addEventListener("click", onClick);
  return el;
}

// The layers picker's value as the submit's fields: a count (0 = the model's default), or automatic.
const layerChoice = (value) => (value === AUTOMATIC_LAYERS ? { layers: 0, automaticLayers: true } : { layers: value || 0, automaticLayers: false });

function fillPicker(picker, choices, document) {
  const current = Number(picked(picker));
  const keep = choices.some((c) => c.value === current) ? current : 0;
  const menu = picker.querySelector("sp-menu");
  while (menu.firstChild) menu.firstChild.remove();
  for (const { value, label } of choices) {
    const item = document.createElement("sp-menu-item");
    item.setAttribute("value", String(value));
    item.textContent = label;
    if (value === keep) item.setAttribute("selected", "");
    menu.appendChild(item);
  }
  picker.selectedIndex = choices.findIndex((c) => c.value === keep);
}

// One thumbnail per layer, bottom layer first: the final layer once it came, else the latest preview.
function renderPreviews(container, job, document) {
  const count = Math.max(job.layerCount, job.layers.length, job.previews.size);
  while (container.children.length > count) container.lastChild.remove();
  for (let i = 0; i < count; i++) {
    const png = (job.layers[i] && job.layers[i].png) || job.previews.get(i);
    let img = container.children[i];
    if (!img) {
      img = document.createElement("img");
      container.appendChild(img);
    }
    if (job.layers[i]) img.title = job.layers[i].name;
    if (png && img.dataset.length !== String(png.length)) {
      img.src = `data:image/png;base64,${base64Encode(png)}`;
      img.dataset.length = String(png.length);
    }
  }
}

module.exports = { createView };
