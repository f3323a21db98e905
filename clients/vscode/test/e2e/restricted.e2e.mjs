// End-to-end test of restricted mode (see harness.mjs): in an untrusted workspace the
// extension runs its bundled server with parso only, ignoring the workspace's
// `ssot.interpreter`, `ssot.path` and `ssot.importStrategy`. The workspace names programs
// that cannot run the server and the user settings a Python that can, so diagnostics appear
// only if the workspace values were ignored.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Workbench, playwrightChromium, python } from './harness.mjs';

let workbench;

before(() => {
  Workbench.checkEnvironment();
  workbench = new Workbench('restricted', {
    trust: false,
    userSettings: { 'ssot.interpreter': [python] },
    // -I -S: no site-packages, so no ssot-lsp: the server would not start with this.
    workspaceSettings: {
      'ssot.interpreter': [python, '-I', '-S'],
      'ssot.path': ['/nonexistent/workspace-provided/ssot-lsp'],
      'ssot.importStrategy': 'fromEnvironment',
    },
  });
});

after(async () => {
  await workbench?.close();
});

test('an untrusted workspace cannot choose the interpreter; the user setting is used', { timeout: 300_000 }, async () => {
  workbench.installExtension();
  await workbench.open(playwrightChromium());
  await workbench.step('restricted', async () => {
    await workbench.page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ timeout: 30_000 })
      .catch(() => { throw new Error('the workspace did not open in Restricted Mode'); });
    await workbench.openMainAndWaitForDiagnostic();
    // (VS Code itself also hides restricted settings' workspace values from inspect() in
    // Restricted Mode, so the extension's own "ignoring" log line may not appear.)
    const output = workbench.outputChannel();
    assert.match(output, /Starting: \S+ -m ssot_lsp \(the bundled ssot-lsp with Python 3\.\d+, interpreter from the ssot\.interpreter setting\)/);
    assert.ok(!output.includes(' -I -S -m ssot_lsp'), `the workspace interpreter was started:\n${output}`);
    assert.ok(!output.includes('workspace-provided'), `the workspace's ssot.path was used:\n${output}`);
    assert.match(output, /Restricted mode: jedi completion is off/);
    const [pid] = workbench.serverPids();
    assert.equal(workbench.processEnvironment(pid).SSOT_LSP_JEDI_PYTHON, undefined, 'no project interpreter for jedi');
    await workbench.screenshot('restricted.png');
  });
});
