// A patrol route built by clicking nodes on the map or picking them from a list: the numbered
// steps with a remove button each, undo and clear. The new-mission page and the mission forms
// of templates and schedules share it.

import { h } from "../dom.js";
import { t } from "../i18n.js";
import { nameAndId } from "../names.js";
import { nodeName } from "./common.js";

/**
 * The route's fields for `site`, starting from `initial` node ids; `onChange(route)` runs after
 * every change. Returns {element, route(), add(id), set(ids)}.
 */
export function routeBuilder(site, { initial = [], onChange = () => {}, field = "route" } = {}) {
  const route = [...initial];
  const list = h("ol", { class: "route-list", "data-field": "route-steps" });
  const changed = () => {
    draw();
    onChange(route.slice());
  };
  const draw = () => {
    list.replaceChildren(...route.map((id, index) => h("li", { "data-node": id },
      h("span", { class: "step" }, String(index + 1)),
      h("span", { class: "step-name" }, nodeName(site, id)),
      h("button", {
        type: "button", class: "icon-button small", "aria-label": t("newMission.removeNode"),
        title: t("newMission.removeNode"),
        on: { click: () => { route.splice(index, 1); changed(); } },
      }, "×"))));
    if (route.length === 0) list.append(h("li", { class: "muted hint" }, t("newMission.clickNodes")));
  };
  const picker = h("select", { name: "node", "aria-label": t("newMission.addNode") },
    [...site.nodes].sort((a, b) => a.id.localeCompare(b.id))
      .map((node) => h("option", { value: node.id }, nameAndId(node))));
  const element = h("fieldset", { class: "field route-field", "data-field": field },
    h("legend", {}, t("newMission.route")),
    list,
    h("div", { class: "inline" }, picker,
      h("button", { type: "button", class: "button", "data-action": "add-node",
        on: { click: () => { route.push(picker.value); changed(); } } }, t("newMission.addNode"))),
    h("div", { class: "inline" },
      h("button", { type: "button", class: "button", "data-action": "undo",
        on: { click: () => { route.pop(); changed(); } } }, t("newMission.undo")),
      h("button", { type: "button", class: "button", "data-action": "clear",
        on: { click: () => { route.length = 0; changed(); } } }, t("newMission.clear"))),
    h("span", { class: "field-error", role: "alert" }));
  draw();
  return {
    element,
    route: () => route.slice(),
    add: (id) => {
      route.push(id);
      changed();
    },
    set: (ids) => {
      route.splice(0, route.length, ...ids);
      changed();
    },
  };
}
