// One incident beside the map: what was reported and where, the robot and mission sent, the
// evidence, the timeline (and its logbook entries for roles that read the logbook), and the
// actions the role may take. It changes live with the feed.

import { api, errorText } from "../api.js";
import { h } from "../dom.js";
import { photoFigure, photoStrip, spokenList } from "../evidence.js";
import { dateTime, number } from "../format.js";
import { t, tValue } from "../i18n.js";
import { link } from "../nav.js";
import { serverText } from "../server-text.js";
import { can } from "../session.js";
import { putIncidents, store, subscribe } from "../store.js";
import { field, incidentBadge } from "../ui.js";
import { currentSite, mapLayout, nodeName } from "./common.js";
import { incidentControls, repeatFlag, timeline } from "./incident-common.js";
import { textOf } from "../server-text.js";

function facts(incident, site) {
  const { x, y } = incident.location;
  return h("dl", { class: "facts" },
    field("incidents.status", incidentBadge(incident.status), { "data-field": "status" }),
    incident.reason ? field("incident.reason", textOf(incident, "reason"), { "data-field": "reason" }) : null,
    field("incidents.severity", tValue("severity", incident.severity)),
    field("incident.place", t("incident.placeText", {
      x: number(x, 1), y: number(y, 1), node: nodeName(site, incident.node),
    }), { "data-field": "place" }),
    field("incident.source", `${incident.source} · ${incident.reported_by}`),
    field("incidents.description", incident.description || "—", { "data-field": "description" }),
    field("incidents.robot", incident.robot
      ? h("a", { href: link("robots", incident.robot) }, incident.robot) : t("incident.noRobot"),
    { "data-field": "robot" }),
    field("incident.mission", incident.mission_id !== null
      ? h("a", { href: link("missions", incident.mission_id) }, `#${incident.mission_id}`) : "—",
    { "data-field": "mission" }),
    field("incidents.repeat", incident.repeat.count > 0
      ? [repeatFlag(incident), " ", ...incident.repeat.earlier.flatMap((id) => [
        h("a", { href: link("incidents", id) }, `#${id}`), " "])]
      : t("incident.noRepeat")),
    incident.resolution
      ? field("incident.resolution", textOf(incident, "resolution"), { "data-field": "resolution" })
      : null,
  );
}

function evidence(incident) {
  const photos = incident.evidence.filter((item) => item.startsWith("photo-"));
  const other = incident.evidence.filter((item) => !item.startsWith("photo-"));
  return h("div", { class: "evidence", "data-field": "evidence" },
    incident.status === "awaiting_confirmation"
      ? h("p", { class: "awaiting-hint", "data-field": "awaiting" }, t("incident.awaitingHint")) : null,
    h("h4", {}, t("incident.photos")),
    photos.length ? photoStrip(photos, { robot: incident.robot }) : h("p", { class: "muted" }, t("incident.noEvidence")),
    other.length ? h("ul", {}, other.map((item) => h("li", {}, h("code", {}, item)))) : null,
    h("h4", {}, t("incident.spoken")),
    incident.spoken.length ? spokenList(incident.spoken) : h("p", { class: "muted" }, t("incident.noSpoken")));
}

/** An entry's summary in the chosen language (entries written before the words were kept as a
 * code have their English alone). */
function entrySummary(entry) {
  const said = entry.details.summary_text;
  return serverText(said?.code, said?.params, entry.summary);
}

function logbookList(entries) {
  if (entries.length === 0) return h("p", { class: "muted" }, t("incident.noLogbook"));
  return h("ol", { class: "logbook", "data-field": "logbook" }, entries.map((entry) => h("li", {
    "data-kind": entry.kind,
  },
    h("time", { datetime: entry.time }, dateTime(entry.time)),
    h("span", { class: "muted" }, ` ${tValue("actor", entry.actor)} · `),
    h("span", { "data-field": "summary" }, entrySummary(entry)),
    entry.kind === "photo" ? h("div", { class: "logbook-photo" },
      photoFigure(entry.details.photo_id, { robot: entry.robot }),
      h("code", { class: "muted" }, t("logbook.photoHash", { hash: entry.details.sha256 }))) : null)));
}

/** Render incident `id` into `container`; returns the cleanup. */
export function renderIncidentDetail(container, id) {
  let incident = store.incidents.get(id);
  const site = () => store.sites.get(incident?.site) || currentSite();
  const { map, side } = mapLayout(container, site(), {
    viewKey: `incident:${id}`,
    focus: incident?.location || null,
    incident: id,
    onIncidentClick: (other) => {
      location.hash = link("incidents", other);
    },
    onRobotClick: (robotId) => {
      location.hash = link("robots", robotId);
    },
  }, "page-incident");
  const title = h("h1");
  const buttons = h("div", { class: "controls", "data-controls": "incident" });
  const factsHost = h("div");
  const evidenceHost = h("div");
  const timelineHost = h("div");
  const logbookHost = h("div");
  side.append(
    h("a", { class: "button", href: link("incidents"), "data-action": "back" }, t("incident.back")),
    h("section", { class: "panel incident-detail", "data-incident": id }, title, buttons, factsHost,
      h("h3", {}, t("incident.evidence")), evidenceHost,
      h("h3", {}, t("incident.timeline")), timelineHost,
      can("logbook.read") ? [h("h3", {}, t("incident.logbook")), logbookHost] : null));
  let shownButtons = null;
  let shownEvidence = null;
  let logbookFor = null;
  let gone = false;

  const loadLogbook = async () => {
    // Read again whenever the incident moves on: each step adds entries.
    const key = `${incident.status}:${incident.evidence.length}:${incident.spoken.length}`;
    if (!can("logbook.read") || logbookFor === key) return;
    logbookFor = key;
    try {
      const entries = await api(`/logbook?incident=${id}`);
      if (!gone) logbookHost.replaceChildren(logbookList(entries));
    } catch (failure) {
      logbookHost.replaceChildren(h("p", { class: "form-error" }, errorText(failure)));
    }
  };

  const draw = () => {
    if (!incident) {
      title.textContent = t("incident.title", { id });
      factsHost.replaceChildren(h("p", { class: "muted" }, t("mission.loading")));
      return;
    }
    title.textContent = t("incident.titleType", { id, type: tValue("incidentType", incident.type) });
    factsHost.replaceChildren(facts(incident, site()));
    // Rebuilt only when something is added, so that photos are not fetched again on each change.
    const evidenceKey = JSON.stringify([incident.status, incident.evidence, incident.spoken.length]);
    if (evidenceKey !== shownEvidence) {
      shownEvidence = evidenceKey;
      evidenceHost.replaceChildren(evidence(incident));
    }
    timelineHost.replaceChildren(timeline(incident));
    const wanted = `${incident.status}:${incident.mission_id}`;
    // Rebuilt only when the incident moves on, so that a click in progress is not lost.
    if (wanted !== shownButtons) {
      shownButtons = wanted;
      buttons.replaceChildren(...incidentControls(incident));
    }
    loadLogbook();
  };

  draw();
  const readAt = Date.now();
  api(`/incidents/${id}`).then((fresh) => putIncidents([fresh], readAt)).catch((failure) => {
    factsHost.replaceChildren(h("p", { class: "form-error" }, errorText(failure)));
  });
  const unsubscribe = subscribe("incidents", (incidents) => {
    const changed = incidents.find((i) => i.id === id);
    if (!changed) return;
    const first = !incident;
    incident = changed;
    if (first && map) {
      // Opened before the incident was known: the map goes to it now.
      map.options.focus = incident.location;
      if (map.view.view) map.view.centreOn(incident.location.x, incident.location.y);
    }
    draw();
  });
  return () => {
    gone = true;
    unsubscribe();
    map?.destroy();
  };
}
