/** Text made safe inside HTML or SVG elements and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** A number for an SVG attribute: two decimals at most. */
export function svgNumber(value: number): string {
  return String(Math.round(value * 100) / 100);
}
