// Just enough of a DOM for ui.js, built from the panel's own index.html: elements with attributes, children, text and
// event listeners, found by id or by "tag" / "tag[attribute]". The Spectrum UXP widgets behave as Adobe documents them:
// - sp-picker has no documented `value`; the chosen item is `selectedIndex` (the sp-dropdown page reads
//   `evt.target.selectedIndex`: AdobeDocs/uxp-photoshop
//   src/pages/uxp-api/reference-spectrum/spectrum-uxp-widgets/user-interface/sp-dropdown.md).
// - on macOS an sp-textfield of type "password" reads as "" ("The password field's value cannot be read on macOS":
//   sp-textfield.md beside it, and src/pages/uxp-api/known-issues.md); `platform: "darwin"` turns that on.
import fs from "node:fs";

class FakeElement {
  constructor(tagName) {
    Object.assign(this, { tagName, attributes: new Map(), children: [], parentNode: null, textContent: "", hidden: false, dataset: {}, listeners: {} });
  }
  get firstChild() { return this.children[0] ?? null; }
  get lastChild() { return this.children.at(-1) ?? null; }
  get id() { return this.getAttribute("id"); }
  setAttribute(name, value) { this.attributes.set(name, String(value)); }
  getAttribute(name) { return this.attributes.has(name) ? this.attributes.get(name) : null; }
  hasAttribute(name) { return this.attributes.has(name); }
  removeAttribute(name) { this.attributes.delete(name); }
  appendChild(child) {
    child.parentNode = this;
    this.children.push(child);
    return child;
  }
  remove() {
    this.parentNode.children.splice(this.parentNode.children.indexOf(this), 1);
    this.parentNode = null;
  }
  addEventListener(type, listener) { (this.listeners[type] ??= []).push(listener); }
  // Fires an event at the element's listeners (and its on<type> property); returns what they returned.
  fire(type) {
    const handlers = [...(this.listeners[type] ?? []), ...(this[`on${type}`] ? [this[`on${type}`]] : [])];
    return handlers.map((h) => h({ type, target: this }));
  }
  click() { return this.fire("click"); }
  *descendants() {
    for (const child of this.children) {
      yield child;
      yield* child.descendants();
    }
  }
  querySelectorAll(selector) {
    const [, tag, attribute] = selector.match(/^([\w-]+)(?:\[([\w-]+)\])?$/);
    return [...this.descendants()].filter((e) => e.tagName === tag && (!attribute || e.hasAttribute(attribute)));
  }
  querySelector(selector) { return this.querySelectorAll(selector)[0] ?? null; }
}

class FakeTextField extends FakeElement {
  constructor(tagName, platform) {
    super(tagName);
    this.platform = platform;
    this.typed = "";
  }
  get value() { return this.platform === "darwin" && this.getAttribute("type") === "password" ? "" : this.typed; }
  set value(text) { this.typed = String(text); }
  // The artist types: the text lands and an "input" event fires.
  type(text) {
    this.typed = text;
    this.fire("input");
  }
}

class FakePicker extends FakeElement {
  get items() { return this.querySelectorAll("sp-menu-item"); }
  get selectedIndex() {
    if (this.chosen !== undefined && this.chosen < this.items.length) return this.chosen;
    return this.items.findIndex((i) => i.hasAttribute("selected"));
  }
  set selectedIndex(index) { this.chosen = index; }
  // The artist picks an item: selectedIndex changes and "change" fires.
  choose(index) {
    this.chosen = index;
    this.fire("change");
  }
}

const VOID = new Set(["meta", "link", "img", "br", "input"]);

function create(tag, platform) {
  if (tag === "sp-textfield") return new FakeTextField(tag, platform);
  if (tag === "sp-picker") return new FakePicker(tag);
  return new FakeElement(tag);
}

// The document of an HTML file: tags, attributes and text; comments, doctype and scripts' contents are skipped.
export function fakeDocument(htmlPath, { platform = "win32" } = {}) {
  const root = new FakeElement("#document");
  let parent = root;
  const html = fs.readFileSync(htmlPath, "utf8").replace(/<!--[\s\S]*?-->|<!DOCTYPE[^>]*>/g, "");
  for (const [, closing, tag, attributes, text] of html.matchAll(/<(\/?)([\w-]+)([^>]*)>|([^<]+)/g)) {
    if (text !== undefined) {
      if (text.trim()) parent.textContent += text.trim();
    } else if (closing) {
      parent = parent.parentNode;
    } else {
      const element = parent.appendChild(create(tag, platform));
      for (const [, name, value] of attributes.matchAll(/([\w-]+)(?:="([^"]*)")?/g)) element.setAttribute(name, value ?? "");
      if (!VOID.has(tag) && !attributes.trimEnd().endsWith("/")) parent = element;
    }
  }
  return {
    getElementById: (id) => [...root.descendants()].find((e) => e.id === id) ?? null,
    createElement: (tag) => create(tag, platform),
    querySelector: (selector) => root.querySelector(selector),
    addEventListener: (type, listener) => root.addEventListener(type, listener),
    fire: (type) => root.fire(type),
  };
}
