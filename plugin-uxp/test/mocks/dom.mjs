// Just enough of a DOM for ui.js, built from the panel's own index.html: elements with attributes, children and text,
// found by id or by "tag" / "tag[attribute]".
import fs from "node:fs";

class FakeElement {
  constructor(tagName) {
    Object.assign(this, { tagName, attributes: new Map(), children: [], parentNode: null, textContent: "", hidden: false, dataset: {} });
  }
  get firstChild() { return this.children[0] ?? null; }
  get lastChild() { return this.children.at(-1) ?? null; }
  get id() { return this.getAttribute("id"); }
  setAttribute(name, value) { this.attributes.set(name, String(value)); }
  getAttribute(name) { return this.attributes.has(name) ? this.attributes.get(name) : null; }
  hasAttribute(name) { return this.attributes.has(name); }
  appendChild(child) {
    child.parentNode = this;
    this.children.push(child);
    return child;
  }
  remove() {
    this.parentNode.children.splice(this.parentNode.children.indexOf(this), 1);
    this.parentNode = null;
  }
  addEventListener() {}
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

const VOID = new Set(["meta", "link", "img", "br", "input"]);

// The document of an HTML file: tags, attributes and text; comments, doctype and scripts' contents are skipped.
export function fakeDocument(htmlPath) {
  const root = new FakeElement("#document");
  let parent = root;
  const html = fs.readFileSync(htmlPath, "utf8").replace(/<!--[\s\S]*?-->|<!DOCTYPE[^>]*>/g, "");
  for (const [, closing, tag, attributes, text] of html.matchAll(/<(\/?)([\w-]+)([^>]*)>|([^<]+)/g)) {
    if (text !== undefined) {
      if (text.trim()) parent.textContent += text.trim();
    } else if (closing) {
      parent = parent.parentNode;
    } else {
      const element = parent.appendChild(new FakeElement(tag));
      for (const [, name, value] of attributes.matchAll(/([\w-]+)(?:="([^"]*)")?/g)) element.setAttribute(name, value ?? "");
      if (!VOID.has(tag) && !attributes.trimEnd().endsWith("/")) parent = element;
    }
  }
  return {
    getElementById: (id) => [...root.descendants()].find((e) => e.id === id) ?? null,
    createElement: (tag) => new FakeElement(tag),
    querySelector: (selector) => root.querySelector(selector),
  };
}
