// The live feed over a WebSocket: a snapshot first, then robot batches, missions, incidents,
// alerts and the fleet-wide state.
// No polling: the page changes when a message arrives. Close code 4401 means: log in again.

import {
  putAlertChanges, putFleetControl, putIncidents, putMissions, putRobots, putSnapshot, setConnection,
} from "./store.js";

const LOGIN_AGAIN = 4401;
const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 10000;

let socket = null;
let retryTimer = null;
let retryMs = RETRY_MIN_MS;
let stopped = true;

function handle(message) {
  switch (message.type) {
    case "snapshot":
      putSnapshot(message);
      break;
    case "robots":
      putRobots(message.robots);
      break;
    case "mission":
      putMissions([message.mission]);
      break;
    case "incident":
      putIncidents([message.incident]);
      break;
    case "fleet":
      putFleetControl(message.control);
      break;
    case "alerts":
      putAlertChanges(message);
      break;
    default:
      console.warn("unknown live message", message.type);
  }
}

/** Open the feed with the login token; `onLoginAgain` runs when the server refuses the token. */
export function openFeed(token, onLoginAgain) {
  closeFeed();
  stopped = false;
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const url = `${scheme}://${location.host}/api/v1/live?token=${encodeURIComponent(token)}`;
  setConnection(retryMs === RETRY_MIN_MS ? "connecting" : "reconnecting");
  const opened = new WebSocket(url);
  socket = opened;
  opened.addEventListener("open", () => {
    retryMs = RETRY_MIN_MS;
    setConnection("live");
  });
  opened.addEventListener("message", (event) => handle(JSON.parse(event.data)));
  opened.addEventListener("close", (event) => {
    // A socket this page has since replaced or closed says nothing about the feed.
    if (socket !== opened || stopped) return;
    socket = null;
    if (event.code === LOGIN_AGAIN) {
      stopped = true;
      setConnection("closed");
      onLoginAgain();
      return;
    }
    setConnection("reconnecting");
    retryTimer = setTimeout(() => openFeed(token, onLoginAgain), retryMs);
    retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
  });
}

/** Close the feed and stop reconnecting. */
export function closeFeed() {
  stopped = true;
  clearTimeout(retryTimer);
  if (socket) socket.close(1000);
  socket = null;
}
