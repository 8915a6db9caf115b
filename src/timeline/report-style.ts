/**
 * The report's inline stylesheet and script. Colours are CSS variables with a dark set under
 * prefers-color-scheme; print always uses the light set. The script only adds a hover panel with a lane's
 * events (the SVG <title> elements carry the same text when scripts are off).
 */
export const REPORT_STYLE = `
:root{--bg:#ffffff;--fg:#1f2328;--muted:#59636e;--grid:#eaeef2;--panel:#f6f8fa;--border:#d1d9e0;
--running:#c8d1da;--held:#e8a317;--queued:#8c959f;--waiting:#8b5cf6;--terminating:#2f81f7;--forced:#cf222e;
--skipped:#eef1f4;--skipped-line:#afb8c1;--refusal:#9a6700;--gone:#1f2328;--critical:#d12a8c;--ok:#1a7f37;--bad:#cf222e;
--deadline:#cf222e;--tier:#59636e;--budget:#1a7f37;--budget-fill:rgba(26,127,55,.16);--invocation:#ddf4ff;--invocation-line:#54aeff;
--volumes:#bf8700;--heartbeat:#d12a8c}
@media (prefers-color-scheme: dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--grid:#21262d;--panel:#151b23;
--border:#3d444d;--running:#3d444d;--held:#d29922;--queued:#6e7681;--waiting:#a371f7;--terminating:#4493f8;--forced:#f85149;
--skipped:#1b2129;--skipped-line:#4d5560;--refusal:#f2cc60;--gone:#f0f6fc;--critical:#ff7bd0;--ok:#3fb950;--bad:#f85149;
--deadline:#f85149;--tier:#9198a1;--budget:#3fb950;--budget-fill:rgba(63,185,80,.2);--invocation:#0c2d6b;
--invocation-line:#4493f8;--volumes:#d29922;--heartbeat:#ff7bd0}}
@media print{:root{--bg:#fff;--fg:#000;--muted:#444;--grid:#e5e5e5;--panel:#fff;--border:#bbb;--running:#d0d7de;
--held:#e8a317;--queued:#8c959f;--waiting:#8b5cf6;--terminating:#2f81f7;--forced:#cf222e;--skipped:#f2f2f2;
--skipped-line:#999;--refusal:#9a6700;--gone:#000;--critical:#d12a8c;--invocation:#ddf4ff;--invocation-line:#54aeff}
#tip{display:none!important}figure.chart{overflow:visible}svg.timeline{width:100%;height:auto}}
*{box-sizing:border-box}
body{margin:0;padding:20px 24px;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
h1{font-size:20px;margin:0 0 2px}h1.ok{color:var(--ok)}h1.bad{color:var(--bad)}
h2{font-size:15px;margin:16px 0 6px}
.subtitle{margin:0 0 12px;color:var(--muted)}
dl.facts{display:flex;flex-wrap:wrap;gap:6px 10px;margin:0}
dl.facts div{background:var(--panel);border:1px solid var(--border);border-radius:6px;padding:4px 10px}
dt{font-size:11px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}dd{margin:0;font-variant-numeric:tabular-nums}
section.path ol{margin:0;padding-left:22px}section.path li{margin:1px 0}
.when{color:var(--muted);font-variant-numeric:tabular-nums}
ul.legend{display:flex;flex-wrap:wrap;gap:4px 16px;list-style:none;padding:0;margin:14px 0 8px;color:var(--muted);font-size:12px}
ul.legend li{display:flex;align-items:center;gap:6px}
figure.chart{margin:0;overflow-x:auto;border:1px solid var(--border);border-radius:6px;background:var(--bg)}
svg.timeline{display:block;font:11px system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
svg text{fill:var(--fg)}
.tick{fill:var(--muted);text-anchor:middle}.grid{stroke:var(--grid);stroke-width:1}
.section,.heading{font-weight:600}.group{fill:var(--muted);font-weight:600}.label,.pod{fill:var(--fg)}.note{fill:var(--muted)}
.s-running{fill:var(--running)}.s-held{fill:var(--held)}.s-queued{fill:var(--queued)}.s-waiting{fill:var(--waiting)}
.s-terminating{fill:var(--terminating)}.s-forced{fill:var(--forced)}
.s-skipped{fill:var(--skipped);stroke:var(--skipped-line);stroke-width:.6;stroke-dasharray:3 2}
.s-returned{fill:var(--skipped);stroke:var(--held);stroke-width:1.2;stroke-dasharray:2 2}
.refusal{fill:var(--refusal)}.gone{fill:var(--gone)}
.lane .hit{fill:transparent}.lane:hover .hit,.lane.hover .hit{fill:var(--grid)}
.lane.critical rect[class^="s-"],.critical-sample{stroke:var(--critical);stroke-width:1.6}
.critical-step{fill:var(--critical);opacity:.9}.critical-step.odd{opacity:.55}
.tier{stroke:var(--tier);stroke-width:1.2;stroke-dasharray:5 3}.tier-label{fill:var(--tier);font-style:italic}
.deadline{stroke:var(--deadline);stroke-width:2}.deadline-label{fill:var(--deadline);text-anchor:end;font-weight:600}
.budget-line{fill:none;stroke:var(--budget);stroke-width:1.5}.budget-area{fill:var(--budget-fill)}
.baseline{stroke:var(--border)}.allowed{fill:var(--budget);font-size:10px}
.invocation{fill:var(--invocation);stroke:var(--invocation-line)}.invocation.failed{stroke:var(--bad)}
.volumes{fill:var(--volumes)}.targets{fill:var(--invocation-line)}.heartbeat{fill:var(--heartbeat)}
.mark.info{fill:var(--ok)}.mark.warn,.mark.error{fill:var(--bad)}.mark.detail{fill:var(--muted)}
#tip{position:fixed;z-index:2;max-width:560px;max-height:60vh;overflow:hidden;white-space:pre-wrap;pointer-events:none;
background:var(--panel);color:var(--fg);border:1px solid var(--border);border-radius:6px;padding:8px 10px;
font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;box-shadow:0 4px 16px rgba(0,0,0,.25)}
`;

export const REPORT_SCRIPT = `
(function () {
  var tip = document.getElementById("tip");
  var shown = null;
  document.querySelectorAll("svg.timeline title").forEach(function (title) {
    var owner = title.parentNode;
    owner.setAttribute("data-tip", title.textContent || "");
    owner.removeChild(title);
  });
  function hide() {
    if (shown) shown.classList.remove("hover");
    shown = null;
    tip.hidden = true;
  }
  document.addEventListener("mousemove", function (event) {
    var target = event.target && event.target.closest ? event.target.closest("[data-tip]") : null;
    if (!target) return hide();
    if (shown !== target) {
      if (shown) shown.classList.remove("hover");
      shown = target;
      target.classList.add("hover");
      tip.textContent = target.getAttribute("data-tip");
      tip.hidden = false;
    }
    var left = Math.min(event.clientX + 14, window.innerWidth - tip.offsetWidth - 8);
    var top = event.clientY + 14;
    if (top + tip.offsetHeight > window.innerHeight - 8) top = Math.max(8, event.clientY - tip.offsetHeight - 14);
    tip.style.left = Math.max(8, left) + "px";
    tip.style.top = top + "px";
  });
  document.addEventListener("mouseleave", hide);
})();
`;
