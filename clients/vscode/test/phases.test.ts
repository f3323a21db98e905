import assert from 'node:assert/strict';
import { test } from 'node:test';
import { currentPhase, parsePhases, phaseNames } from '../src/phases';
import { FIX_WORKSPACE, fixPhaseUri, parseReport, renderReportHtml, statusText } from '../src/report';

const report = {
  score: 40.9,
  canonical: 9,
  total: 22,
  by_phase: [
    { name: 'golden-path', violations: 0, score: 100, deadline: '2026-12-04', on_track: true },
    { name: 'routes', violations: 11, score: 0, deadline: '2026-12-11', on_track: false },
    { name: 3 },
    null,
    { name: 'rest', violations: 4, score: 50 },
  ],
};

test('phase names come from by_phase in order, malformed rows skipped', () => {
  assert.deepEqual(phaseNames(report), ['golden-path', 'routes', 'rest']);
  assert.deepEqual(phaseNames({ score: 50 }), []);
  assert.deepEqual(phaseNames(undefined), []);
});

test('the phase in progress is the first declared one with violations, never rest', () => {
  assert.equal(currentPhase(parsePhases(report))?.name, 'routes');
  assert.equal(currentPhase(parsePhases({ by_phase: [{ name: 'rest', violations: 3 }] })), undefined);
});

test('the status bar shows the phase in progress and its score', () => {
  assert.equal(statusText(parseReport(report)), 'SSOT 40.9% · routes 0%');
  assert.equal(statusText(parseReport({ score: 87.5, canonical: 7, total: 8 })), 'SSOT 87.5%');
});

test('the report view lists the phases and marks the one in progress', () => {
  const html = renderReportHtml(parseReport(report)!, { nonce: 'n' });
  assert.match(html, /<h2>By phase<\/h2>/);
  assert.match(html, /<td>routes<\/td><td>11<\/td><td>0%<\/td><td>2026-12-11<\/td><td>no<\/td><td>in progress<\/td>/);
  assert.doesNotMatch(renderReportHtml(parseReport({ score: 1 })!, { nonce: 'n' }), /By phase/);
});

/** The targets of the page's links, as the browser reads them (HTML entities decoded). */
function links(html: string): string[] {
  return [...html.matchAll(/<a [^>]*href="([^"]*)"[^>]*>Fix this phase<\/a>/g)].map((m) =>
    (m[1] ?? '').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));
}

/** The command and its arguments, as VS Code reads a `command:` link. */
function commandOf(uri: string): [string, unknown] {
  const match = /^command:([^?]+)\?(.*)$/.exec(uri);
  assert.ok(match, `not a command link with arguments: ${uri}`);
  return [match[1] ?? '', JSON.parse(decodeURIComponent(match[2] ?? ''))];
}

test('each phase with violations left has a "Fix this phase" button running ssot.fixWorkspace for it', () => {
  const html = renderReportHtml(parseReport(report)!, { nonce: 'n' });
  // golden-path has nothing left to fix: no button; routes and rest have one each, in order.
  assert.deepEqual(links(html).map(commandOf), [
    [FIX_WORKSPACE, [{ phase: 'routes' }]],
    [FIX_WORKSPACE, [{ phase: 'rest' }]],
  ]);
  assert.ok(!html.includes('<script'), 'the button is a command link: the page still has no script');
});

test('a phase name with quotes and markup stays inside the button\'s link', () => {
  const name = 'a"b<c>&d e?f#g';
  const html = renderReportHtml(parseReport({ by_phase: [{ name, violations: 2 }, { name: 'rest', violations: 0 }] })!, { nonce: 'n' });
  assert.deepEqual(links(html).map(commandOf), [[FIX_WORKSPACE, [{ phase: name }]]]);
  assert.equal(links(html)[0], fixPhaseUri(name));
  assert.ok(!html.includes('<c>'), 'the name is not markup');
});
