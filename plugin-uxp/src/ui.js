// The panel's DOM: Spectrum UXP widgets in index.html, read and updated here and nowhere else.
const { ConnectionState } = require("./connection.js");

const CONNECTION_TEXT = {
  [ConnectionState.Connecting]: "Connecting…",
  [ConnectionState.Connected]: "Connected",
  [ConnectionState.Reconnecting]: "Connection lost; reconnecting…",
  [ConnectionState.Stopped]: "Not connected",
};

function createView(document) {
  const $ = (id) => document.getElementById(id);
  // Spectrum widgets expose .value; the attribute covers the moment before they upgrade.
  const valueOf = (el) => el.value ?? el.getAttribute("value") ?? "";
  const picked = (picker) => picker.value || picker.querySelector("sp-menu-item[selected]").getAttribute("value");
  const show = (id, visible) => { $(id).hidden = !visible; };

  return {
    fillSettings({ address, token }) {
      $("address").value = address;
      $("token").value = token;
    },
    readSettings: () => ({ address: valueOf($("address")).trim(), token: valueOf($("token")) }),
    // The form as the served model wants it (form.js); a choice the artist made stays while the model still offers it.
    showForm({ layers, steps, resolutions, promptPlaceholder }) {
      $("layers").setAttribute("placeholder", layers.placeholder);
      fillPicker($("steps"), steps, picked, document);
      fillPicker($("resolution"), resolutions, picked, document);
      $("prompt").setAttribute("placeholder", promptPlaceholder);
    },
    readForm: () => ({
      source: picked($("source")),
      layers: Number(valueOf($("layers"))) || 0,
      steps: Number(valueOf($("steps"))) || 0,
      resolution: Number(picked($("resolution"))),
      prompt: valueOf($("prompt")).trim(),
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
      renderPreviews($("previews"), job, document);
    },
    // Every job in the panel's queue (queue.js), each with its own Cancel while the server can still stop it.
    showQueue(entries, cancel) {
      const list = $("queue");
      while (list.firstChild) list.firstChild.remove();
      for (const { jobId, line, cancellable } of entries) {
        const row = list.appendChild(document.createElement("div"));
        row.appendChild(document.createElement("sp-body")).textContent = line;
        if (!cancellable) continue;
        const button = row.appendChild(document.createElement("sp-action-button"));
        button.textContent = "Cancel";
        button.onclick = () => cancel(jobId);
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

function fillPicker(picker, choices, picked, document) {
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
  picker.value = String(keep);
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
      img.src = `data:image/png;base64,${toBase64(png)}`;
      img.dataset.length = String(png.length);
    }
  }
}

function toBase64(bytes) {
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

module.exports = { createView };
