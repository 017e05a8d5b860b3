// Small DOM helpers. Text goes in as text nodes or textContent only: names come from users.

const SVG_NS = "http://www.w3.org/2000/svg";

function setProps(el, props, svg) {
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "text") el.textContent = String(value);
    // The page's Content-Security-Policy forbids style attributes; styles set through the
    // element's style object (CSSOM) are allowed, so `style` takes an object of properties.
    else if (key === "style") {
      if (typeof value !== "object") throw new TypeError("style takes an object, not a string");
      Object.assign(el.style, value);
    }
    else if (key === "on") {
      for (const [event, handler] of Object.entries(value)) el.addEventListener(event, handler);
    } else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key === "class" && !svg) el.className = value;
    else if (key === "value" && !svg) el.value = value;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
}

function appendAll(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** An HTML element with properties (text, class, on, dataset, attributes) and children. */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  setProps(el, props, false);
  appendAll(el, children);
  return el;
}

/** An SVG element with attributes and children. */
export function s(tag, props, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  setProps(el, props, true);
  appendAll(el, children);
  return el;
}

/** Set several SVG attributes at once. */
export function attrs(el, values) {
  for (const [key, value] of Object.entries(values)) el.setAttribute(key, String(value));
}

/** Set text only when it changed (cheap updates of live tables). */
export function setText(el, text) {
  const value = text === null || text === undefined ? "" : String(text);
  if (el.textContent !== value) el.textContent = value;
}
