// Evidence a robot brings back: its photos (fetched with the login token and shown through blob
// URLs, kept for the session so that live redraws do not fetch them again) and the words it spoke.

import { objectUrl } from "./api.js";
import { h } from "./dom.js";
import { dateTime } from "./format.js";
import { t } from "./i18n.js";

const KEPT = 60; // photos whose blob URLs are kept; the oldest is revoked beyond that
const RETRY_MS = 3000; // a photo not yet uploaded is asked for again after this long
const urls = new Map(); // photo id -> blob URL

async function photoUrl(photoId) {
  if (urls.has(photoId)) return urls.get(photoId);
  const url = await objectUrl(`/photos/${encodeURIComponent(photoId)}`);
  urls.set(photoId, url);
  while (urls.size > KEPT) {
    const [oldest, old] = urls.entries().next().value;
    urls.delete(oldest);
    URL.revokeObjectURL(old);
  }
  return url;
}

/** One photo with its id: the image once it is on the server; while it is on its way, a note,
 * and another look every few seconds for as long as the figure is on the page. */
export function photoFigure(photoId, { robot = null } = {}) {
  const caption = h("figcaption", {}, h("code", {}, photoId));
  const frame = h("div", { class: "photo-frame" });
  const figure = h("figure", { class: "photo", "data-photo": photoId, "data-state": "loading" },
    frame, caption);
  frame.append(h("span", { class: "muted" }, t("photo.loading")));
  const failed = () => {
    figure.dataset.state = "failed";
    frame.replaceChildren(h("span", { class: "form-error" }, t("photo.failed")));
  };
  const load = () => photoUrl(photoId).then((url) => {
    // "shown" once the image has decoded, not when its element is made.
    frame.replaceChildren(h("img", {
      src: url, alt: t("photo.alt", { id: photoId, robot: robot || "—" }), "data-field": "photo",
      on: { load: () => { figure.dataset.state = "shown"; }, error: failed },
    }));
  }).catch((failure) => {
    if (failure.status === 404) {
      figure.dataset.state = "waiting";
      frame.replaceChildren(h("span", { class: "muted" }, t("photo.waiting")));
      setTimeout(() => {
        if (figure.isConnected) load();
      }, RETRY_MS);
      return;
    }
    failed();
  });
  load();
  return figure;
}

/** A photoFigure that gives the same element for the same photo each time: for a page that
 * redraws its results on every change, so that a photo is not fetched and decoded again. */
export function figureCache() {
  const figures = new Map();
  return (photoId, options) => {
    if (!figures.has(photoId)) figures.set(photoId, photoFigure(photoId, options));
    return figures.get(photoId);
  };
}

/** A row of photos. */
export function photoStrip(photoIds, options = {}) {
  return h("div", { class: "photos", "data-field": "photos" },
    photoIds.map((id) => photoFigure(id, options)));
}

/** What a robot said, each line with its time, robot and language. */
export function spokenList(spoken) {
  // The words said carry their language (lang); the time and who said it are the console's.
  return h("ol", { class: "spoken", "data-field": "spoken" }, spoken.map((said) => h("li", {},
    h("time", { datetime: said.at || "" }, said.at ? dateTime(said.at) : "—"),
    h("span", { class: "muted" }, ` ${t("spoken.by", {
      robot: said.robot || "—", language: t(`spoken.language.${said.language}`),
    })} `),
    h("q", { lang: said.language === "zh" ? "zh-CN" : "en" }, said.text))));
}
