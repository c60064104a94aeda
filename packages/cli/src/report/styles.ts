/** The page's stylesheet, inlined so the report needs nothing from the network. */
export const REPORT_CSS = `
:root {
  --ink: #1c2633; --muted: #5d6b7a; --faint: #8b97a5; --line: #e4e8ee; --bg: #f5f7fa; --card: #ffffff;
  --accent: #2f6fde; --accent-soft: #e3ecfc; --accent-ink: #1f4fae; --base: #7d8896;
  --drift: #c4362b; --drift-soft: #fbe6e4; --possible: #a86300; --possible-soft: #fdf0da;
  --ok: #1d7f53; --ok-soft: #e1f3ea; --untested: #6b7685; --untested-soft: #eef0f3;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; color: var(--ink); background: var(--bg);
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", Arial, sans-serif;
}
.mono, code { font-family: ui-monospace, SFMono-Regular, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
header.page {
  background: var(--card); border-bottom: 1px solid var(--line); padding: 28px 40px 22px;
}
.page-inner { max-width: 1440px; margin: 0 auto; }
.eyebrow { color: var(--accent-ink); font-size: 12px; font-weight: 650; letter-spacing: .08em; text-transform: uppercase; }
h1 { font-size: 26px; line-height: 1.2; margin: 4px 0 8px; font-weight: 680; letter-spacing: -0.015em; overflow-wrap: anywhere; }
.meta { color: var(--muted); display: flex; flex-wrap: wrap; gap: 4px 18px; font-size: 13px; }
.meta span { overflow-wrap: anywhere; }
.kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; margin-top: 20px; }
.kpi { background: var(--bg); border: 1px solid var(--line); border-radius: 10px; padding: 10px 14px; }
.kpi .label { color: var(--muted); font-size: 12px; }
.kpi .value { display: block; font-size: 22px; font-weight: 650; font-variant-numeric: tabular-nums; }
.kpi.drift .value { color: var(--drift); } .kpi.possible .value { color: var(--possible); } .kpi.ok .value { color: var(--ok); }
main { padding: 26px 40px 56px; }
section { margin-bottom: 34px; }
h2 { font-size: 17px; margin: 0 0 12px; font-weight: 650; }
h2 .count { color: var(--faint); font-weight: 500; margin-left: 6px; }
.note { color: var(--muted); font-size: 13px; margin: -4px 0 12px; }
.table-wrap { background: var(--card); border: 1px solid var(--line); border-radius: 12px; overflow-x: auto; }
table.summary { width: 100%; border-collapse: collapse; }
.summary th {
  text-align: left; font-weight: 600; color: var(--muted); font-size: 11.5px; letter-spacing: .05em;
  text-transform: uppercase; padding: 10px 10px; border-bottom: 1px solid var(--line); background: #fafbfc; white-space: nowrap;
}
.summary th.num { text-align: right; }
.summary td { padding: 8px 10px; border-bottom: 1px solid var(--line); vertical-align: middle; }
.summary th:first-child, .summary td:first-child { padding-left: 16px; }
.summary th:last-child, .summary td:last-child { padding-right: 16px; }
.summary tr:last-child td { border-bottom: 0; }
.summary tbody tr:hover { background: #f8fafd; }
.summary a { color: var(--ink); text-decoration: none; font-weight: 600; }
.summary a:hover { color: var(--accent); text-decoration: underline; }
.name-cell { max-width: 380px; overflow-wrap: anywhere; }
.top-cell { max-width: 170px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; color: var(--muted); }
.null-cell { display: flex; align-items: center; gap: 8px; justify-content: flex-end; }
.meter { display: inline-block; width: 40px; height: 6px; border-radius: 3px; background: var(--line); overflow: hidden; }
.meter > span { display: block; height: 100%; background: var(--faint); }
.pill {
  display: inline-block; font-size: 11px; line-height: 18px; padding: 0 8px; border-radius: 999px; font-weight: 600;
  background: var(--accent-soft); color: var(--accent-ink); white-space: nowrap;
}
/* (types) */
.pill.t-string { background: #fcebdd; color: #9a4a12; } .pill.t-boolean { background: #dcf3f2; color: #0d6e6e; }
.pill.t-fractional { background: #ebe5fb; color: #5b3fb4; } .pill.t-object, .pill.t-tensor, .pill.t-null, .pill.t-unknown { background: #eceff3; color: #4f5b69; }
.badge {
  display: inline-block; font-size: 11px; line-height: 18px; padding: 0 8px; border-radius: 4px; font-weight: 700;
  letter-spacing: .03em; white-space: nowrap;
}
.badge.drift { background: var(--drift-soft); color: var(--drift); }
.badge.possible { background: var(--possible-soft); color: var(--possible); }
.badge.ok { background: var(--ok-soft); color: var(--ok); }
.badge.untested { background: var(--untested-soft); color: var(--untested); }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 18px; align-items: start; }
.column-card {
  background: var(--card); border: 1px solid var(--line); border-radius: 14px; padding: 16px 18px 14px;
  box-shadow: 0 1px 2px rgba(16, 24, 40, .04); min-width: 0;
}
.card-head { display: flex; align-items: center; gap: 8px; flex-wrap: wrap; margin-bottom: 2px; }
.card-head h3 { margin: 0; font-size: 15px; font-weight: 650; overflow-wrap: anywhere; flex: 1 1 auto; min-width: 0; }
.card-sub { color: var(--muted); font-size: 12.5px; margin-bottom: 8px; }
.chart-title { font-size: 11.5px; font-weight: 600; color: var(--muted); text-transform: uppercase; letter-spacing: .05em; margin: 10px 0 2px; }
.chart-title .key { text-transform: none; letter-spacing: 0; font-weight: 500; margin-left: 8px; }
.key i { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin: 0 4px -1px 6px; }
.key .k-target { background: var(--accent); } .key .k-base { border: 2px solid var(--base); background: transparent; }
.key .k-outer { background: rgba(47, 111, 222, .16); } .key .k-inner { background: rgba(47, 111, 222, .38); }
.chart { width: 100%; min-height: 40px; }
.chart-histogram .u-legend .u-value, .chart-bars .u-legend .u-value,
.chart-histogram .u-legend .u-series:first-child, .chart-bars .u-legend .u-series:first-child { display: none; }
.types-line { font-size: 12px; color: var(--muted); margin-top: 8px; }
.types-line b { font-weight: 600; color: var(--ink); }
nav.routes { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 18px; }
nav.routes a { background: var(--bg); border: 1px solid var(--line); border-radius: 999px; padding: 3px 12px; color: var(--ink); text-decoration: none; font-size: 13px; }
nav.routes a span { color: var(--muted); margin-left: 6px; }
section.route { border-top: 1px solid var(--line); padding-top: 22px; }
section.route:first-of-type { border-top: 0; padding-top: 0; }
section.route > h2 { font-size: 20px; }
details.fold { margin-top: 18px; }
details.fold > summary { cursor: pointer; color: var(--muted); font-weight: 600; padding: 6px 0 12px; }
dl.stats { display: grid; grid-template-columns: repeat(5, minmax(0, 1fr)); gap: 8px 14px; margin: 14px 0 0; padding-top: 12px; border-top: 1px solid var(--line); }
dl.stats div { min-width: 0; }
dl.stats dt { color: var(--faint); font-size: 11px; text-transform: uppercase; letter-spacing: .05em; }
dl.stats dd { margin: 0; font-variant-numeric: tabular-nums; font-weight: 550; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.drift-line { font-size: 12.5px; color: var(--muted); margin-top: 8px; }
.outside { font-size: 12px; color: var(--muted); margin-top: 2px; }
footer { color: var(--faint); font-size: 12px; padding: 0 40px 30px; }
@media (max-width: 700px) {
  header.page, main { padding-left: 16px; padding-right: 16px; }
  .cards { grid-template-columns: 1fr; }
  dl.stats { grid-template-columns: repeat(3, minmax(0, 1fr)); }
}
`
