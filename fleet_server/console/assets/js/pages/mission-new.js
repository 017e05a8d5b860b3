// A new mission: from a template, or a patrol built by clicking nodes on the map; the robot is
// chosen by name or left to the server ("nearest").

import { api, errorText } from "../api.js";
import { h } from "../dom.js";
import { t, tValue } from "../i18n.js";
import { link } from "../nav.js";
import { can } from "../session.js";
import { robotStatus } from "../status.js";
import { putMissions, store } from "../store.js";
import { currentSite, mapLayout, nodeName } from "./common.js";

const MAX_ROUNDS = 1000;

function robotChoice(site) {
  const robots = [...store.robots.values()]
    .filter((robot) => robot.position?.map_id === site.id)
    .sort((a, b) => a.id.localeCompare(b.id));
  const control = h("select", { name: "robot" },
    h("option", { value: "" }, t("newMission.nearest")),
    robots.map((robot) => h("option", { value: robot.id },
      `${robot.id} · ${tValue("kind", robot.kind)} · ${tValue("state", robotStatus(robot))}`)));
  return h("label", { class: "field" }, h("span", {}, t("newMission.robot")), control);
}

function tabs(active, onChange) {
  return h("div", { class: "tabs", role: "tablist" },
    ["map", "template"].map((mode) => h("button", {
      type: "button", role: "tab", class: "tab", "data-mode": mode,
      "aria-selected": mode === active ? "true" : "false",
      on: { click: () => onChange(mode) },
    }, t(`newMission.mode.${mode}`))));
}

/** Render the new-mission page; returns the cleanup. */
export function renderNewMission(container) {
  const site = currentSite();
  if (!can("missions.write") || !site) {
    container.append(h("section", { class: "panel" }, h("p", {}, t("newMission.notAllowed"))));
    return null;
  }
  const route = [];
  let mode = "map";
  const { map, side } = mapLayout(container, site, {
    viewKey: "new-mission",
    picking: true,
    onNodeClick: (id) => {
      if (mode !== "map") return;
      route.push(id);
      drawRoute();
    },
  }, "page-new-mission");
  const error = h("p", { class: "form-error", role: "alert" });
  const form = h("form", { class: "panel new-mission" });
  side.append(form);

  const routeList = h("ol", { class: "route-list", "data-field": "route" });
  const drawRoute = () => {
    map.setRoute(route);
    routeList.replaceChildren(...route.map((id, index) => h("li", { "data-node": id },
      h("span", { class: "step" }, String(index + 1)),
      h("span", { class: "step-name" }, nodeName(site, id)),
      h("button", {
        type: "button", class: "icon-button small", "aria-label": t("newMission.removeNode"),
        title: t("newMission.removeNode"),
        on: { click: () => { route.splice(index, 1); drawRoute(); } },
      }, "×"))));
    if (route.length === 0) routeList.append(h("li", { class: "muted hint" }, t("newMission.clickNodes")));
    const submit = form.querySelector("button[type=submit]");
    if (submit && mode === "map") submit.disabled = route.length < 2;
  };

  const nodePicker = () => {
    const picker = h("select", { name: "node", "aria-label": t("newMission.addNode") },
      [...site.nodes].sort((a, b) => a.id.localeCompare(b.id))
        .map((node) => h("option", { value: node.id }, node.name ? `${node.name} (${node.id})` : node.id)));
    const add = h("button", { type: "button", class: "button", "data-action": "add-node",
      on: { click: () => { route.push(picker.value); drawRoute(); } } }, t("newMission.addNode"));
    return h("div", { class: "inline" }, picker, add);
  };

  const mapFields = () => [
    h("h3", {}, t("newMission.route")),
    routeList,
    nodePicker(),
    h("div", { class: "inline" },
      h("button", { type: "button", class: "button", "data-action": "undo",
        on: { click: () => { route.pop(); drawRoute(); } } }, t("newMission.undo")),
      h("button", { type: "button", class: "button", "data-action": "clear",
        on: { click: () => { route.length = 0; drawRoute(); } } }, t("newMission.clear"))),
    h("label", { class: "field" }, h("span", {}, t("newMission.rounds")),
      h("input", { type: "number", name: "rounds", min: 1, max: MAX_ROUNDS, value: 1, required: true })),
  ];

  let templates = [];
  const templateFields = () => {
    const mine = templates.filter((tpl) => tpl.site === site.id);
    const description = h("p", { class: "muted", "data-field": "template-description" });
    const picker = h("select", { name: "template", required: true },
      mine.map((tpl) => h("option", { value: tpl.id }, `${tpl.name} · ${tValue("missionKind", tpl.kind)}`)));
    const describe = () => {
      const chosen = mine.find((tpl) => tpl.id === picker.value);
      description.textContent = chosen?.description || "";
      map.setRoute(chosen?.mission?.route || []);
    };
    picker.addEventListener("input", describe);
    queueMicrotask(describe);
    if (mine.length === 0) return [h("p", { class: "muted" }, t("newMission.noTemplates"))];
    return [h("label", { class: "field" }, h("span", {}, t("newMission.template")), picker), description];
  };

  const drawForm = () => {
    const fields = mode === "map" ? mapFields() : templateFields();
    form.replaceChildren(
      h("h1", {}, t("newMission.title")),
      tabs(mode, (next) => {
        mode = next;
        drawForm();
      }),
      ...fields,
      robotChoice(site),
      error,
      h("div", { class: "inline" },
        h("button", { type: "submit", class: "button primary", "data-action": "create" }, t("newMission.create")),
        h("a", { class: "button", href: link("missions") }, t("newMission.cancel"))),
    );
    if (mode === "map") drawRoute();
  };

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    const robot = form.elements.robot.value || null;
    let body;
    if (mode === "map") {
      body = { kind: "patrol", site: site.id, route: route.slice(), rounds: Number(form.elements.rounds.value), robot };
    } else {
      if (!form.elements.template) return;
      body = { template: form.elements.template.value, overrides: robot ? { robot } : {} };
    }
    const submit = form.querySelector("button[type=submit]");
    submit.disabled = true;
    try {
      const mission = await api("/missions", { method: "POST", body });
      putMissions([mission]);
      location.hash = link("missions", mission.id);
    } catch (failure) {
      error.textContent = errorText(failure);
      submit.disabled = false;
    }
  });

  drawForm();
  api("/templates").then((found) => {
    templates = found;
    if (mode === "template") drawForm();
  }).catch((failure) => {
    error.textContent = errorText(failure);
  });
  return () => map.destroy();
}
