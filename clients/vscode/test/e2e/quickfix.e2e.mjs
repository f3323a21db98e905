// End-to-end test in a real VS Code workbench (see harness.mjs), with
// `ssot.importStrategy` = `fromEnvironment`: the packaged extension starts the ssot-lsp
// installed in SSOT_PYTHON (`python -m ssot_lsp`), the SSOT001 diagnostic appears on an
// import of a deprecated module, Ctrl+. applies the quick fix, and the saved file on disk
// imports the canonical module; then the status bar score and report, a crash, a Python
// without ssot-lsp, and the report's "Fix this phase" button, whose workspace fix VS Code
// shows in its refactor preview before anything changes on disk. bundled.e2e.mjs runs the
// same quick fix with the bundled server.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  MAIN_AFTER,
  MAIN_BEFORE,
  RULES,
  SCORE,
  Workbench,
  log,
  playwrightChromium,
  python,
  requireStep,
  waitFor,
} from './harness.mjs';

const FROM_ENVIRONMENT = { 'ssot.importStrategy': 'fromEnvironment', 'ssot.interpreter': [python] };
/** One declared phase, `lib`, with one file never opened; tail.py, also never opened, is in `rest`. */
const PHASED_FILES = {
  'ssot.toml': `${RULES}\n[[phases]]\nname = "lib"\npaths = ["lib/"]\n`,
  'lib/other.py': MAIN_BEFORE,
  'tail.py': MAIN_BEFORE,
};

/** Shared by the steps below; each step needs the ones before it. */
const run = { workbench: undefined, opened: false, diagnosticShown: false };

before(() => {
  Workbench.checkEnvironment();
  run.workbench = new Workbench('quickfix', { workspaceSettings: FROM_ENVIRONMENT, files: PHASED_FILES });
});

after(async () => {
  await run.workbench?.close();
});

test('the packaged extension installs into VS Code', { timeout: 120_000 }, () => {
  run.workbench.installExtension();
});

test('the workbench opens the workspace', { timeout: 150_000 }, async () => {
  await run.workbench.open(playwrightChromium());
  run.opened = true;
});

test('opening main.py shows the SSOT001 diagnostic', { timeout: 120_000 }, async () => {
  requireStep(run.opened, 'opening the workbench');
  const { page } = run.workbench;
  await run.workbench.step('diagnostic', async () => {
    await run.workbench.openMainAndWaitForDiagnostic();
    assert.match(run.workbench.outputChannel(), /\(the ssot-lsp installed for the interpreter from the ssot\.interpreter setting\)/);
    await page.keyboard.press('Control+Shift+M');
    const marker = page.locator('.markers-panel .monaco-list-row', { hasText: 'SSOT001' }).first();
    await marker.waitFor({ timeout: 15_000 })
      .catch(() => { throw new Error('the Problems panel has no SSOT001 entry'); });
    const text = (await marker.innerText()).replace(/\u00a0/g, ' ');
    assert.match(text, /app\.canonical/, `the diagnostic should name the replacement: ${text}`);
    run.diagnosticShown = true;
  });
});

test('Ctrl+. applies the quick fix and the saved file imports app.canonical', { timeout: 120_000 }, async () => {
  requireStep(run.diagnosticShown, 'the diagnostic');
  const workbench = run.workbench;
  await workbench.step('quickfix', () => workbench.applyQuickFixAndSave({ readmeScreenshot: true }));
});

test('the status bar shows the compliance score and opens the report', { timeout: 90_000 }, async () => {
  requireStep(run.opened, 'opening the workbench');
  const workbench = run.workbench;
  const { page } = workbench;
  await workbench.step('report', async () => {
    const item = page.locator('.statusbar-item', { hasText: SCORE }).first();
    await item.waitFor({ timeout: 30_000 })
      .catch(() => { throw new Error('no "SSOT NN%" compliance score in the status bar'); });
    log(`status bar: ${(await item.innerText()).trim()}`);
    await item.click();
    await page.locator('.tab', { hasText: 'SSOT Compliance Report' }).first().waitFor({ timeout: 20_000 })
      .catch(() => { throw new Error('clicking the score did not open the compliance report'); });
    const score = await waitFor('the report page to show the score', 20_000, async () => {
      for (const frame of page.frames()) {
        const text = await frame.locator('#score').innerText({ timeout: 200 }).catch(() => undefined);
        if (text) {
          return text;
        }
      }
      return undefined;
    });
    assert.match(score, /^\d+(\.\d)?%$/);
    await workbench.screenshot('report.png');
  });
});

test('a crashed server is restarted without bothering the user', { timeout: 90_000 }, async () => {
  requireStep(run.opened, 'opening the workbench');
  const workbench = run.workbench;
  const { page } = workbench;
  await workbench.step('crash', async () => {
    const before = await waitFor('the language server process', 20_000, () => {
      const pids = workbench.serverPids();
      return pids.length === 1 ? pids : undefined;
    });
    process.kill(before[0], 'SIGKILL');
    await waitFor('a new language server process', 30_000, () => {
      const pids = workbench.serverPids();
      return pids.length === 1 && pids[0] !== before[0];
    });
    await page.locator('.statusbar-item', { hasText: SCORE }).first().waitFor({ timeout: 30_000 })
      .catch(() => { throw new Error('the status bar shows no score after the automatic restart'); });
    const complaints = await page.locator('.notification-toast', { hasText: 'SSOT' }).count();
    assert.equal(complaints, 0, 'one crash should restart the server quietly');
  });
});

test('a Python without ssot-lsp gives a notification with the fix, and the server comes back', { timeout: 120_000 }, async () => {
  requireStep(run.opened, 'opening the workbench');
  const workbench = run.workbench;
  const { page } = workbench;
  const settingsFile = join(workbench.workspace, '.vscode', 'settings.json');
  await workbench.step('start-failure', async () => {
    writeFileSync(settingsFile, JSON.stringify({ ...FROM_ENVIRONMENT, 'ssot.interpreter': ['/nonexistent/bin/python'] }, null, 2));
    const missing = page.locator('.notification-toast', { hasText: 'was not found' }).first();
    await missing.waitFor({ timeout: 45_000 })
      .catch(() => { throw new Error('no "interpreter was not found" notification for a missing interpreter'); });
    await page.locator('.statusbar-item', { hasText: 'SSOT' }).filter({ hasNotText: '%' }).first()
      .waitFor({ timeout: 5000 });
    await missing.locator('.codicon-notifications-clear, .codicon-close').first().click().catch(() => undefined);

    // -I -S: the same interpreter without site-packages, where ssot-lsp is not importable.
    writeFileSync(settingsFile, JSON.stringify({ ...FROM_ENVIRONMENT, 'ssot.interpreter': [python, '-I', '-S'] }, null, 2));
    const toast = page.locator('.notification-toast', { hasText: 'ssot-lsp is not installed' }).first();
    await toast.waitFor({ timeout: 45_000 })
      .catch(() => { throw new Error('no "ssot-lsp is not installed" notification after switching the interpreter'); });
    const text = (await toast.innerText()).replace(/\u00a0/g, ' ');
    assert.match(text, /pip install ssot-lsp/);
    assert.match(text, /"ssot\.importStrategy" to "useBundled"/);
    await toast.locator('.monaco-button', { hasText: 'Open Settings' }).waitFor({ timeout: 5000 });
    await toast.locator('.monaco-button', { hasText: 'Show Output' }).waitFor({ timeout: 5000 });
    await workbench.screenshot('start-failure.png');

    writeFileSync(settingsFile, JSON.stringify(FROM_ENVIRONMENT, null, 2));
    await page.locator('.statusbar-item', { hasText: SCORE }).first().waitFor({ timeout: 45_000 })
      .catch(() => { throw new Error('the server did not come back after restoring the interpreter'); });
  });
});

test('"Fix this phase" in the report opens the refactor preview; only the ticked file of that phase changes', { timeout: 120_000 }, async () => {
  requireStep(run.opened, 'opening the workbench');
  const workbench = run.workbench;
  const { page } = workbench;
  const onDisk = (name) => readFileSync(join(workbench.workspace, name), 'utf8');
  await workbench.step('fix-phase', async () => {
    // A fresh report (the server may have restarted since the last one): its page loads
    // into a new frame, the old one goes away.
    const item = page.locator('.statusbar-item', { hasText: SCORE }).first();
    await item.waitFor({ timeout: 45_000 });
    const oldFrames = new Set(page.frames());
    await item.click();
    const button = await waitFor('a "Fix this phase" button in the refreshed report page', 30_000, async () => {
      for (const frame of page.frames().filter((f) => !oldFrames.has(f) && !f.isDetached())) {
        const link = frame.locator('a.button', { hasText: 'Fix this phase' });
        if ((await link.count().catch(() => 0)) > 0) {
          return link;
        }
      }
      return undefined;
    });
    // A button per phase with violations left: lib (lib/other.py) and rest (tail.py).
    const targets = await button.evaluateAll((links) => links.map((a) => decodeURIComponent(a.getAttribute('href'))));
    log(`report buttons: ${targets.join(' | ')}`);
    assert.deepEqual(targets, ['command:ssot.fixWorkspace?[{"phase":"lib"}]', 'command:ssot.fixWorkspace?[{"phase":"rest"}]']);
    await button.first().click();

    const preview = page.locator('.bulk-edit-panel[data-state="data"]').first();
    await preview.waitFor({ state: 'visible', timeout: 45_000 })
      .catch(() => { throw new Error('no refactor preview (.bulk-edit-panel) after "Fix this phase"'); });
    const rows = preview.locator('.monaco-list-row');
    await waitFor('lib/other.py in the refactor preview', 15_000, async () =>
      (await rows.allInnerTexts()).some((text) => text.includes('other.py')));
    const listed = (await rows.allInnerTexts()).map((text) => text.replace(/\s+/g, ' ').trim());
    log(`refactor preview rows: ${JSON.stringify(listed)}`);
    assert.ok(!listed.some((text) => text.includes('tail.py')), 'tail.py is in phase rest, not lib');
    await workbench.screenshot('fix-phase-preview.png');
    // Nothing is written before the user accepts the preview.
    assert.equal(onDisk('lib/other.py'), MAIN_BEFORE, 'lib/other.py changed before the preview was applied');
    // Changes that need confirmation start unticked: the user ticks the file, then applies.
    const fileRow = rows.filter({ hasText: 'other.py' }).first();
    const checkbox = fileRow.locator('.edit-checkbox').first();
    const ticked = async () => (await checkbox.getAttribute('aria-checked')) === 'true';
    assert.equal(await ticked(), false, 'an edit needing confirmation should start unticked');
    await checkbox.click();
    await waitFor('the other.py box to be ticked', 5000, ticked);
    await workbench.screenshot('fix-phase-ticked.png');
    assert.equal(onDisk('lib/other.py'), MAIN_BEFORE, 'ticking a file should not write it');

    // Apply changes the file in the editor (VS Code opens it, unsaved); saving writes it.
    await preview.locator('.buttons .monaco-button', { hasText: 'Apply' }).first().click();
    await page.locator('.tab.dirty', { hasText: 'other.py' }).first().waitFor({ timeout: 15_000 })
      .catch(() => { throw new Error('no unsaved other.py editor after Apply'); });
    await page.locator('.statusbar-item', { hasText: 'SSOT 66.7%' }).first().waitFor({ timeout: 30_000 })
      .catch(() => { throw new Error('the score did not count the applied fix (2 of 3 imports canonical)'); });
    assert.equal(onDisk('lib/other.py'), MAIN_BEFORE, 'Apply alone should not save lib/other.py');
    await page.keyboard.press('F1');
    await page.locator('.quick-input-widget input').fill('>File: Save All Files');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Save All Files' }).first().waitFor({ timeout: 5000 });
    await page.keyboard.press('Enter');
    await waitFor('lib/other.py on disk to import app.canonical after saving', 20_000, () => onDisk('lib/other.py') === MAIN_AFTER)
      .catch((error) => { throw new Error(`${error.message}; it reads ${JSON.stringify(onDisk('lib/other.py'))}`); });
    assert.equal(onDisk('tail.py'), MAIN_BEFORE, 'a file of another phase was changed');
  });
});
