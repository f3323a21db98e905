// End-to-end test of the bundled server (see harness.mjs): `ssot.interpreter` names a bare
// Python (a fresh venv: no ssot-lsp, no pygls) and `ssot.importStrategy` is left at its
// default, `useBundled`. The extension runs the ssot-lsp it carries with that Python; the
// SSOT001 diagnostic and its quick fix work as with an installed server.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Workbench, barePython, playwrightChromium } from './harness.mjs';

let workbench;
let bare;

before(() => {
  Workbench.checkEnvironment();
  workbench = new Workbench('bundled');
  bare = barePython(join(workbench.root, 'bare-venv'));
  workbench.writeWorkspaceSettings({ 'ssot.interpreter': [bare] });
});

after(async () => {
  await workbench?.close();
});

test('with a bare Python the bundled server gives the diagnostic and the quick fix', { timeout: 300_000 }, async () => {
  workbench.installExtension();
  await workbench.open(playwrightChromium());
  await workbench.step('bundled', async () => {
    await workbench.openMainAndWaitForDiagnostic();
    const output = workbench.outputChannel();
    assert.match(output, /\(the bundled ssot-lsp with Python 3\.\d+, interpreter from the ssot\.interpreter setting\)/);
    assert.ok(output.includes(`Starting: ${bare} -m ssot_lsp`), output);
    // The server and its libraries come from the installed extension, not from any environment.
    const [pid] = workbench.serverPids();
    assert.ok(pid, 'no language server process');
    const environ = workbench.processEnvironment(pid);
    assert.match(environ.PYTHONPATH ?? '', /extensions\/ssot-lsp\.ssot-lsp-[^/]+\/bundled\/libs/);
    assert.equal(environ.SSOT_LSP_JEDI_PYTHON, bare, 'completion should use the project\'s interpreter');
  });
  await workbench.step('bundled-quickfix', () => workbench.applyQuickFixAndSave());
});
