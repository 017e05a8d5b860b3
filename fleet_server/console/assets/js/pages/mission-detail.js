// One mission: its route on the map, status and progress live, pause / resume / cancel for
// roles that may, and the result: checkpoint visits, coverage figures and the coverage image.

import { api, errorText, objectUrl } from "../api.js";
import { h } from "../dom.js";
import { dateTime, number } from "../format.js";
import { t, tValue } from "../i18n.js";
import { link } from "../nav.js";
import { can } from "../session.js";
import { ACTIVE_MISSION, missionActions } from "../status.js";
import { putMissions, store, subscribe } from "../store.js";
import { actionButton, field, missionBadge, progressBar } from "../ui.js";
import { mapLayout, nodeName, placesBox } from "./common.js";

function visitDone(visit) {
  const statuses = visit.actions.map((a) => a.status);
  if (statuses.includes("FAILED")) return false;
  if (statuses.length && statuses.every((s) => s === "FINISHED")) return true;
  return visit.reached_at && statuses.length === 0 ? true : null;
}

function controls(mission) {
  if (!can("missions.write")) return [];
  const allowed = missionActions(mission);
  const path = (verb) => `/missions/${mission.id}/${verb}`;
  const call = (verb) => async () => putMissions([await api(path(verb), { method: "POST" })]);
  const buttons = [];
  if (allowed.pause) buttons.push(actionButton("mission.pause", call("pause"), { done: "mission.pauseSent" }));
  if (allowed.resume) buttons.push(actionButton("mission.resume", call("resume"), { done: "mission.resumeSent" }));
  if (allowed.cancel) {
    buttons.push(actionButton("mission.cancel", call("cancel"),
      { kind: "danger", done: "mission.cancelSent", confirmKey: "mission.cancelConfirm" }));
  }
  return buttons;
}

function summary(mission, site) {
  const definition = mission.definition || {};
  return h("dl", { class: "facts" },
    field("missions.kind", tValue("missionKind", mission.kind)),
    field("missions.status", missionBadge(mission.status), { "data-field": "status" }),
    field("missions.robot", mission.robot
      ? h("a", { href: link("robots", mission.robot) }, mission.robot)
      : t("missions.unassigned"), { "data-field": "robot" }),
    field("missions.progress", progressBar(mission)),
    mission.route?.length ? field("mission.route", mission.route.map((id) => nodeName(site, id)).join(" → ")) : null,
    definition.zone ? field("mission.zone", definition.zone) : null,
    field("mission.priority", String(mission.priority)),
    field("missions.created", dateTime(mission.created_at)),
    field("mission.started", dateTime(mission.started_at)),
    field("mission.finished", dateTime(mission.finished_at)),
    mission.reason ? field("mission.reason", mission.reason, { "data-field": "reason" }) : null,
  );
}

function checkpointVisits(mission, site) {
  const visits = mission.results?.checkpoints || [];
  if (visits.length === 0) return null;
  const done = visits.filter((v) => visitDone(v) === true).length;
  const state = (visit) => ({ true: "done", false: "failed" })[visitDone(visit)] || "pending";
  return [
    h("p", { "data-field": "checkpoint-summary" }, t("result.checkpointsDone", { done, total: visits.length })),
    h("ol", { class: "visits" }, visits.map((visit) => h("li", {
      class: `visit visit-${state(visit)}`, "data-node": visit.node,
    },
      h("div", { class: "visit-head" },
        h("span", {}, nodeName(site, visit.node)),
        h("span", { class: "muted" },
          `${t("result.roundN", { n: visit.round })} · ${t("result.reached")} ${dateTime(visit.reached_at)}`)),
      h("ul", { class: "actions" }, visit.actions.map((action) => h("li", {},
        h("span", { class: `action-status action-${String(action.status).toLowerCase()}` },
          tValue("actionStatus", action.status)),
        ` ${tValue("actionType", action.type)}`,
        action.result ? h("span", { class: "muted" }, ` · ${action.result}`) : null)))))),
  ];
}

function coverageFacts(coverage) {
  if (!coverage) return null;
  return h("dl", { class: "facts", "data-field": "coverage" },
    field("result.coveredPercent", `${number(coverage.covered_percent, 1)} %`),
    field("result.coveredArea", `${number(coverage.covered_m2)} m²`),
    field("result.plannedArea", `${number(coverage.planned_m2)} m² (${number(coverage.planned_percent, 1)} %)`),
    field("result.lanes", String(coverage.lanes)),
    field("result.width", `${number(coverage.width_m, 2)} m`));
}

/** Render mission `id` into `container`; returns the cleanup. */
export function renderMissionDetail(container, id) {
  let mission = store.missions.get(id);
  const site = () => store.sites.get(mission?.site) || store.sites.values().next().value;
  const { map, side } = mapLayout(container, site(), {
    viewKey: `mission:${id}`,
    focusBox: mission ? placesBox(site(), mission.route || [], mission.definition?.zone) : null,
    onRobotClick: (robotId) => {
      location.hash = link("robots", robotId);
    },
  }, "page-mission");
  const title = h("h1");
  const buttons = h("div", { class: "controls", "data-controls": "mission" });
  const facts = h("div");
  const result = h("section", { class: "panel result", "data-field": "result" });
  const image = h("div", { class: "coverage-image" });
  side.append(
    h("a", { class: "button", href: link("missions"), "data-action": "back" }, t("mission.back")),
    h("section", { class: "panel mission-detail", "data-mission": id }, title, buttons, facts),
    result);
  let shownButtons = null;
  let imageUrl = null;
  let imageFor = null;
  let gone = false;

  const loadImage = async () => {
    // The image is drawn by the server; fetched again when the mission's status changes.
    const key = `${mission.status}:${Math.floor(mission.progress.nodes_passed / 10)}`;
    if (mission.kind !== "clean" || imageFor === key || mission.status === "queued") return;
    imageFor = key;
    try {
      const url = await objectUrl(`/missions/${id}/coverage.png`);
      if (gone) {
        URL.revokeObjectURL(url);
        return;
      }
      if (imageUrl) URL.revokeObjectURL(imageUrl);
      imageUrl = url;
      image.replaceChildren(h("img", { src: url, alt: t("result.coverageImage"), "data-field": "coverage-image" }));
    } catch (failure) {
      image.replaceChildren(h("p", { class: "muted" }, errorText(failure)));
    }
  };

  const draw = () => {
    if (!mission) {
      title.textContent = t("mission.title", { id });
      facts.replaceChildren(h("p", { class: "muted" }, t("mission.loading")));
      return;
    }
    title.textContent = t("mission.titleKind", { id, kind: tValue("missionKind", mission.kind) });
    facts.replaceChildren(summary(mission, site()));
    const wanted = JSON.stringify(missionActions(mission));
    if (wanted !== shownButtons) {
      shownButtons = wanted;
      buttons.replaceChildren(...controls(mission));
    }
    const finished = !ACTIVE_MISSION.includes(mission.status);
    const checkpoints = checkpointVisits(mission, site());
    const coverage = coverageFacts(mission.results?.coverage);
    const parts = [
      h("h2", {}, finished ? t("result.title") : t("result.sofar")),
      checkpoints, coverage, mission.kind === "clean" ? image : null,
      !checkpoints && !coverage && mission.kind !== "clean" ? h("p", { class: "muted" }, t("result.none")) : null,
    ];
    result.replaceChildren(...parts.flat().filter(Boolean));
    if (map) {
      map.highlight = mission.robot;
      map.setRoute(mission.route || []);
      map.setZone(mission.definition?.zone || null);
      map.setCheckpoints((mission.results?.checkpoints || []).map((v) => ({ node: v.node, done: visitDone(v) })));
    }
    loadImage();
  };

  draw();
  api(`/missions/${id}`).then((fresh) => {
    putMissions([fresh]);
  }).catch((failure) => {
    facts.replaceChildren(h("p", { class: "form-error" }, errorText(failure)));
  });
  const unsubscribe = subscribe("missions", (missions) => {
    const changed = missions.find((m) => m.id === id);
    if (changed) {
      mission = changed;
      draw();
    }
  });
  return () => {
    gone = true;
    unsubscribe();
    if (imageUrl) URL.revokeObjectURL(imageUrl);
    map?.destroy();
  };
}
