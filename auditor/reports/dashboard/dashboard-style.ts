// The dashboard's stylesheet, inline so the file needs nothing from the network. Its hash goes into
// the page's Content-Security-Policy, so no other style can be injected.
export const DASHBOARD_STYLE = `
:root { --ink: #1d2430; --muted: #5b6576; --line: #d9dee7; --panel: #ffffff; --page: #f3f5f9;
  --critical: #a4161a; --high: #e85d04; --medium: #d4a106; --low: #5a7fa8; --ok: #2b8a3e; --accent: #234e8c; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--page); }
header { padding: 20px 28px; background: #172033; color: #fff; }
header h1 { margin: 0 0 4px; font-size: 22px; }
header p { margin: 0; color: #c9d2e3; }
main { padding: 20px 28px 40px; display: grid; gap: 18px; grid-template-columns: repeat(12, 1fr); }
section { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; grid-column: span 12; min-width: 0; }
section.half { grid-column: span 6; }
section.third { grid-column: span 4; }
@media (max-width: 1000px) { section.half, section.third { grid-column: span 12; } }
h2 { font-size: 16px; margin: 0 0 10px; }
h3 { font-size: 14px; margin: 12px 0 6px; }
.kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 10px; }
/* Balanced rows: the key figures fill their rows evenly, none is left alone on the last one. */
.kpis.kpis-9 { grid-template-columns: repeat(9, 1fr); } .kpis.kpis-8 { grid-template-columns: repeat(8, 1fr); }
@media (max-width: 1600px) { .kpis.kpis-9 { grid-template-columns: repeat(5, 1fr); } .kpis.kpis-8 { grid-template-columns: repeat(4, 1fr); } }
@media (max-width: 900px) { .kpis.kpis-9 { grid-template-columns: repeat(3, 1fr); } .kpis.kpis-8 { grid-template-columns: repeat(4, 1fr); } }
@media (max-width: 600px) { .kpis.kpis-9, .kpis.kpis-8 { grid-template-columns: repeat(2, 1fr); } }
.kpi { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; }
.kpi .kpi-value { display: block; font-size: 26px; font-weight: 650; }
.kpi .kpi-label { color: var(--muted); font-size: 12px; }
.kpi.bad .kpi-value { color: var(--critical); }
.kpi.good .kpi-value { color: var(--ok); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; overflow-wrap: break-word; }
td.long { overflow-wrap: anywhere; }
.num, .level { white-space: nowrap; }
.sub { display: block; color: var(--muted); font-size: 12px; }
/* An account id is one word: never broken across lines, in a cell that otherwise wraps anywhere. */
.id { white-space: nowrap; overflow-wrap: normal; }
th { font-size: 12px; color: var(--muted); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
th button { font: inherit; color: inherit; background: none; border: 0; padding: 0; cursor: pointer; }
th[aria-sort="ascending"] button::after { content: " \\25B2"; }
th[aria-sort="descending"] button::after { content: " \\25BC"; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; color: #fff; font-size: 12px; font-weight: 600; }
.badge.sev-critical, .fill-critical { background: var(--critical); fill: var(--critical); }
.badge.sev-high, .fill-high { background: var(--high); fill: var(--high); }
.badge.sev-medium, .fill-medium { background: var(--medium); fill: var(--medium); }
.badge.sev-low, .fill-low { background: var(--low); fill: var(--low); }
.fill-ok { fill: var(--ok); } .fill-accent { fill: var(--accent); } .fill-muted { fill: #aab3c2; }
.stroke-critical { stroke: var(--critical); } .stroke-accent { stroke: var(--accent); } .stroke-medium { stroke: var(--medium); }
svg { display: block; width: 100%; height: auto; }
/* A chart in a full-width section keeps the size it has in a half one, so its text stays small. */
.chart-half { max-width: 50%; }
@media (max-width: 1000px) { .chart-half { max-width: 100%; } }
svg text { font: 11px system-ui, sans-serif; fill: var(--ink); }
svg polyline { fill: none; stroke-width: 2; }
.legend { display: flex; gap: 14px; flex-wrap: wrap; color: var(--muted); font-size: 12px; margin-top: 6px; }
.legend span::before { content: ""; display: inline-block; width: 10px; height: 10px; margin-right: 5px; border-radius: 2px; background: currentColor; }
.legend .l-critical { color: var(--critical); } .legend .l-high { color: var(--high); } .legend .l-medium { color: var(--medium); }
.legend .l-low { color: var(--low); } .legend .l-ok { color: var(--ok); } .legend .l-accent { color: var(--accent); } .legend .l-muted { color: #aab3c2; }
.level { font-weight: 650; }
.level-Complete, .level-Advanced { color: var(--ok); }
.level-In-Progress { color: var(--high); }
.level-Not-Started { color: var(--critical); }
.level-unknown { color: var(--muted); }
.muted { color: var(--muted); }
.controls { display: flex; gap: 10px; flex-wrap: wrap; margin-bottom: 10px; }
.controls input, .controls select { font: inherit; padding: 5px 8px; border: 1px solid var(--line); border-radius: 4px; }
.controls input { min-width: 260px; }
.empty { color: var(--muted); font-style: italic; }
@media print {
  body { background: #fff; font-size: 11px; }
  header { background: #fff; color: #000; border-bottom: 2px solid #000; padding: 8px 0; }
  header p { color: #333; }
  main { display: block; padding: 0; }
  section { border: 0; border-radius: 0; padding: 8px 0; break-inside: avoid; page-break-inside: avoid; }
  section.findings { break-inside: auto; page-break-inside: auto; }
  .controls, th button::after { display: none; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  .badge { color: #000; border: 1px solid #000; background: none; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
`;
