// Markdown cells render through marked and then DOMPurify: a notebook shared with someone must
// not be able to run script in their page (no onerror=, no javascript: links, no <script>).
import DOMPurify from "dompurify";
import { marked } from "marked";

// Links open beside the notebook, never in place of it.
DOMPurify.addHook("afterSanitizeAttributes", (node) => {
  if (node.tagName === "A" && node.getAttribute("href")) {
    node.setAttribute("target", "_blank");
    node.setAttribute("rel", "noopener noreferrer");
  }
});

export function renderMarkdown(source: string): string {
  const html = marked.parse(source, { async: false, gfm: true, breaks: false }) as string;
  return DOMPurify.sanitize(html, { USE_PROFILES: { html: true }, ADD_ATTR: ["target"], FORBID_TAGS: ["style", "form", "input", "button"] });
}
