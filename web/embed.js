// portband's embeds, sized to their content: include this script once on a page, and every
// portband frame on it takes the height of what it shows (portband's documentation for authors:
// docs/embeds.html). A frame is known by the window its messages come from: when it says which
// step it shows, it is asked to size itself to its content ("portband:auto-size"), and from then
// on it says its height ("portband:resize"), which becomes the frame's.
(() => {
  const frameOf = (source) =>
    Array.prototype.find.call(document.getElementsByTagName("iframe"), (f) => f.contentWindow === source);
  addEventListener("message", (e) => {
    const d = e.data;
    if (!d || typeof d !== "object") return;
    const frame = frameOf(e.source);
    if (!frame) return;
    if (d.type === "portband:step-changed") {
      e.source.postMessage({ type: "portband:auto-size" }, "*");
    } else if (d.type === "portband:resize" && Number.isFinite(d.height) && d.height > 0) {
      frame.style.height = `${Math.ceil(d.height)}px`;
    }
  });
})();
