// A small notebook carried inside a link: its cells (no outputs) as a compressed .ipynb in the
// URL fragment, which browsers never send to a server.
import { deflateSync, inflateSync, strFromU8, strToU8 } from "fflate";
import { fromIpynb, NotebookFileError, toIpynb } from "./ipynb.ts";
import type { Notebook } from "./model.ts";

const PREFIX = "#share=";

/** Links longer than this are refused by some browsers and chat apps: offer the file instead. */
export const MAX_SHARE_URL = 32_000;

function toBase64Url(bytes: Uint8Array): string {
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const bin = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

/** The link that opens a copy of `nb`: `base` (the app's address) plus the notebook. */
export function shareUrl(nb: Notebook, base: string): string {
  const json = JSON.stringify(toIpynb(nb, { outputs: false }));
  return base.replace(/#.*$/, "") + PREFIX + toBase64Url(deflateSync(strToU8(json), { level: 9 }));
}

export function isShareFragment(hash: string): boolean {
  return hash.startsWith(PREFIX);
}

/** The notebook in a `#share=` fragment, or a NotebookFileError saying why there is none. */
export function notebookFromShare(hash: string): Notebook {
  let json: string;
  try {
    json = strFromU8(inflateSync(fromBase64Url(hash.slice(PREFIX.length))));
  } catch {
    throw new NotebookFileError("This share link is damaged: the notebook in it cannot be read (was the link cut short?)");
  }
  return fromIpynb(json, "Shared notebook");
}
