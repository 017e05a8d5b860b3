// A new mission: from a template, or a patrol built by clicking nodes on the map with its
// checkpoints (what the robot says, a photo, a stop); the robot is chosen by name or left to the
// server ("nearest").

import { api, errorText } from "../api.js";
import { h } from "../dom.js";
import { onSubmit, selectField } from "../form.js";
import { t, tValue } from "../i18n.js";
import { link } from "../nav.js";
import { localDescription, localName } from "../names.js";
import { can } from "../session.js";
import { robotStatus } from "../status.js";
import { putMissions, store } from "../store.js";
import { checkpointEditor } from "./checkpoint-editor.js";
import { currentSite, drawRequest, mapLayout } from "./common.js";
import { routeBuilder } from "./route-builder.js";

const MAX_ROUNDS = 1000;

function robotChoice(site) {
  const robots = [...store.robots.values()]
    .filter((robot) => robot.position?.map_id === site.id)
    .sort((a, b) => a.id.localeCompare(b.id));
  const control = h("select", { name: "robot" },
    h("option", { value: "" }, t("newMission.nearest")),
    robots.map((robot) => h("option", { value: robot.id },
      `${robot.id} · ${tValue("kind", robot.kind)} · ${tValue("state", robotStatus(robot))}`)));
  return h("label", { class: "field", "data-field": "robot" }, h("span", {}, t("newMission.robot")), control,
    h("span", { class: "field-error", role: "alert" }));
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
  let mode = "map";
  let route = null;
  let checkpoints = null;
  const { map, side } = mapLayout(container, site, {
    viewKey: "new-mission",
    picking: true,
    onNodeClick: (id) => {
      if (mode === "map") route?.add(id);
    },
  }, "page-new-mission");
  const error = h("p", { class: "form-error", role: "alert" });
  const form = h("form", { class: "panel new-mission", novalidate: true });
  side.append(form);

  const drawPatrol = () => {
    const ids = route.route();
    map.setRoute(ids);
    map.setCheckpoints(checkpoints.nodes().map((node) => ({ node, done: null })));
    const submit = form.querySelector("button[type=submit]");
    if (submit && mode === "map") submit.disabled = ids.length < 2;
  };

  const mapFields = () => {
    // Checkpoints first: the route's changes offer them its nodes.
    checkpoints = checkpointEditor(site, { onChange: () => drawPatrol() });
    route = routeBuilder(site, {
      onChange: (ids) => {
        checkpoints.setRoute(ids);
        drawPatrol();
      },
    });
    return [
      route.element,
      selectField("pattern", "request.pattern", ["loop", "out_and_back"].map((v) => [v, t(`request.pattern.${v}`)])),
      h("label", { class: "field", "data-field": "rounds" }, h("span", {}, t("newMission.rounds")),
        h("input", { type: "number", name: "rounds", min: 1, max: MAX_ROUNDS, value: 1, required: true }),
        h("span", { class: "field-error", role: "alert" })),
      checkpoints.element,
    ];
  };

  let templates = [];
  const templateFields = () => {
    const mine = templates.filter((tpl) => tpl.site === site.id);
    const description = h("p", { class: "muted", "data-field": "template-description" });
    const picker = h("select", { name: "template", required: true },
      mine.map((tpl) => h("option", { value: tpl.id }, `${localName(tpl)} · ${tValue("missionKind", tpl.kind)}`)));
    const describe = () => {
      const chosen = mine.find((tpl) => tpl.id === picker.value);
      description.textContent = localDescription(chosen);
      drawRequest(map, chosen?.mission || null, site);
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
    if (mode === "map") drawPatrol();
  };

  onSubmit(form, async () => {
    const robot = form.elements.robot.value || null;
    let body;
    if (mode === "map") {
      body = {
        kind: "patrol", site: site.id, route: route.route(), pattern: form.elements.pattern.value,
        rounds: Number(form.elements.rounds.value), checkpoints: checkpoints.read(), robot,
      };
    } else {
      if (!form.elements.template) return;
      body = { template: form.elements.template.value, overrides: robot ? { robot } : {} };
    }
    const mission = await api("/missions", { method: "POST", body });
    putMissions([mission]);
    location.hash = link("missions", mission.id);
  }, { overrides: "robot" });

  drawForm();
  api("/templates").then((found) => {
    templates = found;
    if (mode === "template") drawForm();
  }).catch((failure) => {
    error.textContent = errorText(failure);
  });
  return () => map.destroy();
}
