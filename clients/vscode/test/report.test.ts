import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  contentSecurityPolicy,
  formatPercent,
  parseReport,
  renderReportHtml,
  statusText,
  statusTooltip,
} from '../src/report';

const sample = {
  score: 87.5,
  canonical: 7,
  total: 8,
  by_rule: [{ code: 'SSOT001', count: 1, share: 1, severity: 'warning', auto: 1, manual: 0, extra: true }],
  by_folder: [{ folder: 'app', violations: 1, canonical: 7, total: 8 }],
  top_files: [{ file: 'app/main.py', violations: 1 }],
  unknown_field: { nested: [] },
};

describe('reading the report', () => {
  test('a full report', () => {
    const report = parseReport(sample);
    assert.ok(report);
    assert.equal(report.score, 87.5);
    assert.equal(report.byRule[0]?.code, 'SSOT001');
    assert.equal(report.byFolder[0]?.folder, 'app');
    assert.equal(report.topFiles[0]?.file, 'app/main.py');
  });

  test('missing fields are tolerated; the score is derived from the counts', () => {
    const report = parseReport({ canonical: 1, total: 4 });
    assert.ok(report);
    assert.equal(report.score, 25);
    assert.deepEqual(report.byRule, []);
    assert.deepEqual(report.topFiles, []);
  });

  test('malformed rows are skipped, not fatal', () => {
    const report = parseReport({ score: '50', by_rule: [null, 3, { count: 2 }, { code: 'X', count: 'n/a' }] });
    assert.ok(report);
    assert.equal(report.score, 50);
    assert.deepEqual(report.byRule.map((r) => [r.code, r.count]), [['X', 0]]);
  });

  test('not a report at all', () => {
    assert.equal(parseReport(null), undefined);
    assert.equal(parseReport([1, 2]), undefined);
    assert.equal(parseReport('100%'), undefined);
  });
});

describe('status bar text', () => {
  test('the score with one decimal at most', () => {
    assert.equal(statusText(parseReport(sample)), 'SSOT 87.5%');
    assert.equal(statusText(parseReport({ score: 100 })), 'SSOT 100%');
    assert.equal(statusText(parseReport({ score: 2.2957 })), 'SSOT 2.2%');
    assert.equal(statusText(undefined), 'SSOT');
    assert.equal(statusText(parseReport({ total: 0, canonical: 0 })), 'SSOT');
  });

  test('a score just below 100 never reads 100%', () => {
    assert.equal(formatPercent(99.96), '99.9%');
    assert.equal(formatPercent(-3), '0%');
  });

  test('the tooltip counts imports and violations', () => {
    assert.match(statusTooltip(parseReport(sample)), /7 of 8 governed imports canonical, 1 violation\b/);
  });
});

describe('report page', () => {
  test('escapes everything the server sent and allows no scripts', () => {
    const report = parseReport({
      ...sample,
      top_files: [{ file: '<script>alert(1)</script>.py', violations: 2 }],
    });
    assert.ok(report);
    const html = renderReportHtml(report, { nonce: 'abc123' });
    assert.ok(!html.includes('<script'));
    assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;.py'));
    assert.ok(html.includes(contentSecurityPolicy('abc123')));
    assert.match(contentSecurityPolicy('n'), /default-src 'none'/);
    assert.ok(!/style="/.test(html), 'no inline style attributes: the CSP would block them');
    assert.ok(html.includes('87.5%'));
  });

  test('an empty report renders placeholders', () => {
    const report = parseReport({});
    assert.ok(report);
    const html = renderReportHtml(report, { nonce: 'n' });
    assert.ok(html.includes('No violations.'));
    assert.ok(html.includes('No governed imports found'));
  });
});
