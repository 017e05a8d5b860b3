// A data table from column definitions: headers by label key, a cell per row, rows that open
// something when clicked, and a line saying so when there are none.

import { h } from "./dom.js";
import { t } from "./i18n.js";

/**
 * columns: [{label: key, cell: (row) => node or text, class?}]; options: rowAttrs(row) for
 * data attributes, open(row) when a row is clicked (links inside keep their own), emptyKey,
 * className. Returns {element, update(rows)}.
 */
export function dataTable(columns, { rowAttrs, open, emptyKey = "table.none", className = "" } = {}) {
  const body = h("tbody");
  const empty = h("p", { class: "muted table-empty", hidden: true }, t(emptyKey));
  const table = h("table", { class: `data ${className}` },
    h("thead", {}, h("tr", {}, columns.map((column) => h("th", { scope: "col", class: column.class || false },
      t(column.label))))),
    body);
  const update = (rows) => {
    body.replaceChildren(...rows.map((row) => {
      const tr = h("tr", rowAttrs ? rowAttrs(row) : {},
        columns.map((column) => h("td", { class: column.class || false }, column.cell(row))));
      if (open) {
        tr.classList.add("clickable");
        tr.addEventListener("click", (event) => {
          if (!event.target.closest("a, button, input, select")) open(row);
        });
      } else tr.classList.add("static");
      return tr;
    }));
    empty.hidden = rows.length > 0;
  };
  const element = h("div", { class: "table-block" }, h("div", { class: "table-scroll" }, table), empty);
  return { element, update };
}
