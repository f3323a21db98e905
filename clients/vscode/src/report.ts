/**
 * The compliance report (SPEC §7) as the `ssot/complianceReport` request returns it: read
 * tolerantly (extra fields ignored, missing ones defaulted), formatted for the status bar
 * and rendered as a self-contained HTML page (no scripts, no network; its only links are
 * the phases' "Fix this phase" command links).
 *
 * Pure: no `vscode` import.
 */

import { currentPhase, parsePhases, type PhaseRow } from './phases';

export const REPORT_REQUEST = 'ssot/complianceReport';
/** The server's workspace fix command: the one command the report page may run. */
export const FIX_WORKSPACE = 'ssot.fixWorkspace';

export interface RuleRow {
  code: string;
  count: number;
  share?: number;
  severity?: string;
  auto?: number;
  manual?: number;
}

export interface FolderRow {
  folder: string;
  violations: number;
  canonical?: number;
  total?: number;
}

export interface FileRow {
  file: string;
  violations: number;
}

export interface ComplianceReport {
  /** Percent, 0–100; undefined when nothing is governed (total 0) and no score was sent. */
  score?: number;
  canonical?: number;
  total?: number;
  byRule: RuleRow[];
  byFolder: FolderRow[];
  topFiles: FileRow[];
  /** The campaign's phases (SPEC §14), when the registry declares some. */
  byPhase?: PhaseRow[];
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function num(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) {
    return value;
  }
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) {
    return Number(value);
  }
  return undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function rows<T>(value: unknown, read: (row: Json) => T | undefined): T[] {
  if (!Array.isArray(value)) {
    return [];
  }
  return value.filter(isObject).flatMap((row) => {
    const parsed = read(row);
    return parsed === undefined ? [] : [parsed];
  });
}

/** Reads the server's answer; undefined when it is not a report at all. */
export function parseReport(raw: unknown): ComplianceReport | undefined {
  if (!isObject(raw)) {
    return undefined;
  }
  const canonical = num(raw.canonical);
  const total = num(raw.total);
  let score = num(raw.score);
  if (score === undefined && canonical !== undefined && total !== undefined && total > 0) {
    score = (100 * canonical) / total;
  }
  return {
    score,
    canonical,
    total,
    byRule: rows(raw.by_rule, (row) => {
      const code = str(row.code) ?? str(row.id) ?? str(row.rule);
      const count = num(row.count) ?? num(row.violations);
      return code === undefined ? undefined : {
        code,
        count: count ?? 0,
        share: num(row.share),
        severity: str(row.severity),
        auto: num(row.auto),
        manual: num(row.manual),
      };
    }),
    byFolder: rows(raw.by_folder, (row) => {
      const folder = str(row.folder);
      return folder === undefined ? undefined : {
        folder,
        violations: num(row.violations) ?? 0,
        canonical: num(row.canonical),
        total: num(row.total),
      };
    }),
    topFiles: rows(raw.top_files, (row) => {
      const file = str(row.file) ?? str(row.path);
      return file === undefined ? undefined : { file, violations: num(row.violations) ?? 0 };
    }),
    byPhase: parsePhases(raw),
  };
}

/** `87.5%`; whole numbers without decimals, never `100.0%` for 99.96. */
export function formatPercent(value: number): string {
  const clamped = Math.min(100, Math.max(0, value));
  const rounded = Math.floor(clamped * 10) / 10;
  return `${Number.isInteger(rounded) ? rounded.toFixed(0) : rounded.toFixed(1)}%`;
}

/** The status bar text: `SSOT 87.5%`, or `SSOT` when nothing is governed yet. */
export function statusText(report: ComplianceReport | undefined): string {
  const text = report?.score === undefined ? 'SSOT' : `SSOT ${formatPercent(report.score)}`;
  const phase = currentPhase(report?.byPhase);
  return phase?.score === undefined ? text : `${text} · ${phase.name} ${formatPercent(phase.score)}`;
}

export function statusTooltip(report: ComplianceReport | undefined): string {
  if (report === undefined) {
    return 'SSOT import registry: no compliance report yet. Click to open the report.';
  }
  const violations = report.byRule.reduce((sum, rule) => sum + rule.count, 0);
  const counts =
    report.canonical !== undefined && report.total !== undefined
      ? `${report.canonical} of ${report.total} governed imports canonical`
      : 'no governed imports found';
  return `SSOT compliance: ${counts}, ${violations} violation${violations === 1 ? '' : 's'}. Click for the report.`;
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export interface RenderOptions {
  /** Nonce allowing the page's one inline style element under the CSP. */
  nonce: string;
  /** When the report was produced, shown in the header. */
  generatedAt?: Date;
}

/**
 * A `command:` link running `ssot.fixWorkspace` for one phase: VS Code runs it on a click
 * when the webview allows that command (`enableCommandUris`), no script needed.
 */
export function fixPhaseUri(phase: string): string {
  return `command:${FIX_WORKSPACE}?${encodeURIComponent(JSON.stringify([{ phase }]))}`;
}

function fixPhaseButton(phase: PhaseRow): string {
  if (phase.violations <= 0) {
    return '';
  }
  return `<a class="button" href="${escapeHtml(fixPhaseUri(phase.name))}" ` +
    `title="Safe fixes of this phase in every file, shown in a preview first">Fix this phase</a>`;
}

/** A bar as inline SVG: attributes, not inline styles, so the CSP needs no 'unsafe-inline'. */
function bar(fraction: number, width = 160): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return (
    `<svg class="bar" width="${width}" height="10" role="img" aria-hidden="true">` +
    `<rect class="bar-bg" x="0" y="0" width="${width}" height="10" rx="2"/>` +
    `<rect class="bar-fill" x="0" y="0" width="${filled}" height="10" rx="2"/></svg>`
  );
}

function optional(value: number | undefined, format: (n: number) => string = String): string {
  return value === undefined ? '–' : escapeHtml(format(value));
}

function table(headers: string[], body: string[][], emptyText: string): string {
  if (body.length === 0) {
    return `<p class="empty">${escapeHtml(emptyText)}</p>`;
  }
  const head = headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const rowsHtml = body.map((cells) => `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`);
  return `<table><thead><tr>${head}</tr></thead><tbody>${rowsHtml.join('')}</tbody></table>`;
}

export function contentSecurityPolicy(nonce: string): string {
  return `default-src 'none'; img-src data:; style-src 'nonce-${nonce}';`;
}

export function renderReportHtml(report: ComplianceReport, options: RenderOptions): string {
  const { nonce } = options;
  const maxRule = Math.max(1, ...report.byRule.map((r) => r.count));
  const maxFolder = Math.max(1, ...report.byFolder.map((f) => f.violations));
  const maxFile = Math.max(1, ...report.topFiles.map((f) => f.violations));
  const score = report.score === undefined ? '–' : formatPercent(report.score);
  const counts =
    report.canonical !== undefined && report.total !== undefined
      ? `${report.canonical} canonical / ${report.total} governed imports`
      : 'No governed imports found';
  // The share is computed from the counts: unambiguous, whatever unit the server uses.
  const violations = report.byRule.reduce((sum, r) => sum + r.count, 0);

  const rules = table(
    ['Rule', 'Violations', '', 'Share', 'Severity', 'Auto fix', 'Manual'],
    report.byRule.map((r) => [
      `<code>${escapeHtml(r.code)}</code>`,
      String(r.count),
      bar(r.count / maxRule),
      violations > 0 ? formatPercent((100 * r.count) / violations) : '–',
      r.severity === undefined ? '–' : escapeHtml(r.severity),
      optional(r.auto),
      optional(r.manual),
    ]),
    'No violations.',
  );
  const folders = table(
    ['Folder', 'Violations', ''],
    report.byFolder.map((f) => [
      `<code>${escapeHtml(f.folder)}</code>`,
      String(f.violations),
      bar(f.violations / maxFolder),
    ]),
    'No folders with violations.',
  );
  const files = table(
    ['File', 'Violations', ''],
    report.topFiles.map((f) => [
      `<code>${escapeHtml(f.file)}</code>`,
      String(f.violations),
      bar(f.violations / maxFile),
    ]),
    'No files with violations.',
  );
  const inProgress = currentPhase(report.byPhase);
  const phases = (report.byPhase ?? []).length > 1 ? `<h2>By phase</h2>\n${table(
    ['Phase', 'Violations', 'Score', 'Deadline', 'On track', '', ''],
    (report.byPhase ?? []).map((p) => [
      escapeHtml(p.name),
      String(p.violations),
      optional(p.score, formatPercent),
      p.deadline === undefined ? '–' : escapeHtml(p.deadline),
      p.onTrack === undefined ? '–' : p.onTrack ? 'yes' : 'no',
      p === inProgress ? 'in progress' : '',
      fixPhaseButton(p),
    ]),
    'No phases.',
  )}` : '';
  const generated = options.generatedAt
    ? `<p class="muted">Generated ${escapeHtml(options.generatedAt.toLocaleString())}</p>`
    : '';

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>SSOT Compliance Report</title>
<style nonce="${escapeHtml(nonce)}">
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 20px 20px; }
h1 { font-weight: 600; }
.score { font-size: 3em; font-weight: 700; margin: 0; }
.muted, .empty { color: var(--vscode-descriptionForeground); }
table { border-collapse: collapse; margin-bottom: 1.5em; }
th, td { text-align: left; padding: 4px 12px 4px 0; border-bottom: 1px solid var(--vscode-panel-border, #8884); }
th { font-weight: 600; }
.bar-bg { fill: var(--vscode-editorWidget-background, #8882); }
.bar-fill { fill: var(--vscode-charts-orange, #d18616); }
code { font-family: var(--vscode-editor-font-family); }
a.button { display: inline-block; padding: 2px 10px; border-radius: 2px; text-decoration: none;
  color: var(--vscode-button-foreground); background: var(--vscode-button-background); }
a.button:hover { background: var(--vscode-button-hoverBackground); }
</style>
</head>
<body>
<h1>SSOT Compliance Report</h1>
<p class="score" id="score">${escapeHtml(score)}</p>
<p>${escapeHtml(counts)}</p>
${generated}
${phases}
<h2>By rule</h2>
${rules}
<h2>By folder</h2>
${folders}
<h2>Files with most violations</h2>
${files}
</body>
</html>
`;
}
