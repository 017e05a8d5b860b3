// Files fetched with the login token and handed to the browser as a download (a link to a
// protected URL would be refused: it cannot carry the Authorization header).

import { fetchFile } from "./api.js";
import { h } from "./dom.js";

/** Save a blob under a name, as the browser saves a download. */
export function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const anchor = h("a", { href: url, download: name, hidden: true });
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Fetch an API file and save it; returns what fetchFile gives (name, blob, headers). */
export async function download(path) {
  const file = await fetchFile(path);
  saveBlob(file.blob, file.name);
  return file;
}

/** The SHA-256 of a blob's bytes, in hex. */
export async function sha256Hex(blob) {
  const digest = await crypto.subtle.digest("SHA-256", await blob.arrayBuffer());
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}
