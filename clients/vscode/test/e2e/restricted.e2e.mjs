// End-to-end test of restricted mode (see harness.mjs): in an untrusted workspace the
// extension must ignore the workspace's `ssot.interpreter` and use the user's. The
// workspace names a Python that cannot run the server and the user settings one that can,
// so diagnostics appear only if the workspace value was ignored.
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
    workspaceSettings: { 'ssot.interpreter': [python, '-I', '-S'] },
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
    assert.match(output, /Starting: \S+ -m ssot_lsp \(interpreter from the ssot\.interpreter setting\)/);
    assert.ok(!output.includes(' -I -S -m ssot_lsp'), `the workspace interpreter was started:\n${output}`);
    await workbench.screenshot('restricted.png');
  });
});
