// Names of sites, nodes, zones, docks and templates in the console's language. The server sends
// each thing's `name` (in its site's own language) and `names` ({zh, en}); this picks one.

import { getLanguage, LANGUAGES } from "./i18n.js";

function pick(inEach, own) {
  const language = getLanguage();
  const other = LANGUAGES.filter((l) => l !== language).map((l) => inEach?.[l]).find(Boolean);
  return inEach?.[language] || own || other || "";
}

/** A site's, node's, zone's, dock's or template's name in the current language; else its own
 * name, else its name in the other language, else `fallback` (its id). */
export function localName(item, fallback = item?.id ?? "") {
  return (item && pick(item.names, item.name)) || fallback;
}

/** A template's description in the current language, falling back like localName ("" if none). */
export function localDescription(template) {
  return template ? pick(template.descriptions, template.description) : "";
}

/** A named item as "name (id)", or its id when it has no name. */
export function nameAndId(item) {
  const name = localName(item, "");
  return name && name !== item.id ? `${name} (${item.id})` : item.id;
}
