// One mission: its route on the map, status and progress live, pause / resume / cancel for
// roles that may, why its robot was chosen (prediction and runners-up), and the result:
// checkpoint visits, coverage figures and the coverage image.

import { api, errorText, objectUrl } from "../api.js";
import { h } from "../dom.js";
import { figureCache, spokenList } from "../evidence.js";
import { dateTime, number } from "../format.js";
import { t, tValue } from "../i18n.js";
import { playbackPanel } from "../map-playback.js";
import { link } from "../nav.js";
import { can } from "../session.js";
import { ACTIVE_MISSION, missionActions } from "../status.js";
import { putMissions, store, subscribe } from "../store.js";
import { actionButton, field, missionBadge, progressBar } from "../ui.js";
import { mapLayout, nodeName, placesBox, zoneName } from "./common.js";
import { serverText, textOf } from "../server-text.js";

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
    definition.zone ? field("mission.zone", zoneName(site, definition.zone)) : null,
    field("mission.priority", String(mission.priority)),
    field("missions.created", dateTime(mission.created_at)),
    field("mission.started", dateTime(mission.started_at)),
    field("mission.finished", dateTime(mission.finished_at)),
    mission.reason ? field("mission.reason", textOf(mission, "reason"), { "data-field": "reason" }) : null,
  );
}

function duration(seconds) {
  if (seconds < 90) return t("assignment.seconds", { n: number(seconds) });
  return t("assignment.minutes", { n: number(seconds / 60, 1) });
}

function runnerUp(entry) {
  const distance = entry.distance_m === null || entry.distance_m === undefined
    ? null : `${number(entry.distance_m)} m`;
  return h("li", { class: `runner-up runner-up-${entry.code}`, "data-robot": entry.robot },
    h("div", { class: "visit-head" },
      h("a", { href: link("robots", entry.robot) }, entry.robot),
      h("span", { class: "muted" }, distance ?? "")),
    h("div", {},
      h("strong", {}, tValue("runnerUp", entry.code)), " · ",
      h("span", { "data-field": "runner-up-reason" },
        serverText(entry.reason_text?.code, entry.reason_text?.params, entry.reason))));
}

/** Why the mission got its robot: the latest assignment, its runners-up, how often. */
function assignmentFacts(detail) {
  const latest = detail?.assignment;
  if (!latest) return [h("h2", {}, t("assignment.title")), h("p", { class: "muted" }, t("assignment.none"))];
  const charge = latest.charge_needed === null ? "—" : t("assignment.chargeText", {
    needed: number(latest.charge_needed), charge: number(latest.charge),
  });
  const others = latest.runners_up || [];
  return [
    h("h2", {}, t("assignment.title")),
    h("dl", { class: "facts" },
      field("assignment.robot", h("a", { href: link("robots", latest.robot) }, latest.robot),
        { "data-field": "assignment-robot" }),
      field("assignment.method", tValue("assignmentMethod", latest.method)),
      field("assignment.predicted", t("assignment.predictedText", {
        time: duration(latest.predicted_s), distance: number(latest.distance_m),
      }), { "data-field": "assignment-predicted" }),
      field("assignment.charge", charge, { "data-field": "assignment-charge" }),
      field("assignment.at", dateTime(latest.at))),
    h("h3", {}, t("assignment.runnersUp")),
    others.length
      ? h("ol", { class: "runners-up", "data-field": "runners-up" }, others.map(runnerUp))
      : h("p", { class: "muted" }, t("assignment.noRunnersUp")),
    detail.assignments.length > 1
      ? h("p", { class: "muted" }, t("assignment.times", { n: detail.assignments.length }))
      : null,
  ];
}

function checkpointVisits(mission, site, figureOf) {
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
      h("ul", { class: "actions" }, visit.actions.map((action, index) => h("li", {
        "data-action-type": action.type,
      },
        h("span", { class: `action-status action-${String(action.status).toLowerCase()}` },
          tValue("actionStatus", action.status)),
        ` ${tValue("actionType", action.type)}`,
        actionOutcome(mission, visit, action, index, figureOf))))))),
  ];
}

/** What an action brought back: the photo it took, the words it spoke and when, or its result. */
function actionOutcome(mission, visit, action, index, figureOf) {
  const finished = action.status === "FINISHED";
  if (action.type === "capturePhoto" && finished && action.result?.startsWith("photo-")) {
    return figureOf(action.result, { robot: mission.robot });
  }
  if (action.type === "announce" && finished) {
    const asked = mission.definition?.checkpoints?.[visit.checkpoint]?.actions?.[index];
    const text = asked?.params?.text;
    if (text) {
      return spokenList([{
        text, language: asked.params.language || "zh", at: action.ended_at || null, robot: mission.robot,
      }]);
    }
  }
  return action.result ? h("span", { class: "muted" }, ` · ${action.result}`) : null;
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
  // The checkpoints' photos, kept across redraws.
  const figureOf = figureCache();
  const choice = h("section", { class: "panel assignment", "data-field": "assignment" });
  const image = h("div", { class: "coverage-image" });
  side.append(
    h("a", { class: "button", href: link("missions"), "data-action": "back" }, t("mission.back")),
    h("section", { class: "panel mission-detail", "data-mission": id }, title, buttons, facts),
    choice, result);
  const playback = map ? playbackPanel(map, id) : null;
  if (playback) side.append(playback.element);
  let shownButtons = null;
  let imageUrl = null;
  let imageFor = null;
  let gone = false;
  // The assignments come with the mission's own GET (the live feed sends missions without
  // them): fetched again whenever the mission is assigned anew.
  let detail = null;
  let detailFor;

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
    const checkpoints = checkpointVisits(mission, site(), figureOf);
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
    loadAssignment();
  };

  const loadAssignment = async () => {
    if (detailFor === mission.assigned_at) return;
    detailFor = mission.assigned_at;
    try {
      const fresh = await api(`/missions/${id}`);
      if (gone) return;
      detail = fresh;
      choice.replaceChildren(...assignmentFacts(detail).filter(Boolean));
    } catch (failure) {
      choice.replaceChildren(h("p", { class: "muted" }, errorText(failure)));
    }
  };

  draw();
  api(`/missions/${id}`).then((fresh) => {
    detail = fresh;
    detailFor = fresh.assigned_at;
    choice.replaceChildren(...assignmentFacts(detail).filter(Boolean));
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
    playback?.destroy();
    map?.destroy();
  };
}
