// A small notebook carried inside a link: its cells (no outputs) as a compressed .ipynb in the
// URL fragment, which browsers never send to a server.
import { deflateSync, Inflate, strFromU8, strToU8 } from "fflate";
import { NotebookFileError, readIpynb, toIpynb, type OpenedNotebook } from "./ipynb.ts";
import type { Notebook } from "./model.ts";

const PREFIX = "#share=";

/** Links longer than this are refused by some browsers and chat apps: offer the file instead. */
export const MAX_SHARE_URL = 32_000;

/**
 * The most a link may inflate to. A link holds cells only (a notebook of ~100 KB at most); the
 * cap stops a crafted link (deflate packs ~1000:1) from filling the tab's memory.
 */
export const MAX_SHARE_NOTEBOOK_BYTES = 8 * 1024 * 1024;
// Compressed input is fed in slices this small, so that no single step inflates past the cap by much.
const INFLATE_SLICE = 4096;

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

class TooLarge extends Error {}

/** Inflates `bytes`, stopping as soon as the output passes `cap` bytes. */
function inflateCapped(bytes: Uint8Array, cap: number): Uint8Array {
  const parts: Uint8Array[] = [];
  let size = 0;
  const inflate = new Inflate((chunk) => {
    size += chunk.length;
    if (size > cap) throw new TooLarge();
    parts.push(chunk);
  });
  for (let at = 0; at < bytes.length; at += INFLATE_SLICE) {
    inflate.push(bytes.subarray(at, at + INFLATE_SLICE), at + INFLATE_SLICE >= bytes.length);
  }
  if (bytes.length === 0) inflate.push(bytes, true);
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The notebook in a `#share=` fragment (with what was dropped of it), or a NotebookFileError saying why there is none. */
export function notebookFromShare(hash: string): OpenedNotebook {
  let json: string;
  try {
    json = strFromU8(inflateCapped(fromBase64Url(hash.slice(PREFIX.length)), MAX_SHARE_NOTEBOOK_BYTES));
  } catch (e) {
    if (e instanceof TooLarge) {
      throw new NotebookFileError(
        `This share link holds more than ${MAX_SHARE_NOTEBOOK_BYTES / 1024 / 1024} MB of notebook, the most a link may carry: ask for the .ipynb file instead`,
      );
    }
    throw new NotebookFileError("This share link is damaged: the notebook in it cannot be read (was the link cut short?)");
  }
  return readIpynb(json, "Shared notebook");
}
