// End-to-end test in a real VS Code workbench (code-server) driven by headless Chromium:
// the packaged extension starts `python -m ssot_lsp`, the SSOT001 diagnostic appears on an
// import of a deprecated module, Ctrl+. applies the quick fix, and the saved file on disk
// imports the canonical module. Every wait is bounded; a failure names what was missing
// and prints the extension's output channel.
//
// Environment:
//   CODE_SERVER      code-server executable (needs Node 24 on PATH)          [required]
//   SSOT_VSIX        the packaged extension                                   [required]
//   SSOT_PYTHON      Python with ssot-lsp installed    [default: <repo>/.venv/bin/python]
//   PLAYWRIGHT_CORE  folder of the playwright-core package  [default: resolve normally]
//   CHROMIUM         browser executable                      [default: /usr/bin/chromium]
//   E2E_OUTPUT       screenshots and logs          [default: clients/vscode/test-output]
//   E2E_KEEP=1       keep the temporary workspace and profile for inspection
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const clientDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const repoDir = resolve(clientDir, '..', '..');
const outputDir = resolve(process.env.E2E_OUTPUT ?? join(clientDir, 'test-output'));
const python = process.env.SSOT_PYTHON ?? join(repoDir, '.venv', 'bin', 'python');
const codeServer = process.env.CODE_SERVER;
const vsix = process.env.SSOT_VSIX;
const require = createRequire(import.meta.url);
const { chromium } = require(process.env.PLAYWRIGHT_CORE ?? 'playwright-core');

const MAIN_BEFORE = 'from app.legacy import thing\n';
const MAIN_AFTER = 'from app.canonical import thing\n';

/** Shared by the steps below; each step needs the ones before it. */
const run = { page: undefined, browser: undefined, server: undefined, root: undefined, workspace: undefined };

function log(message) {
  process.stdout.write(`# e2e: ${message}\n`);
}

function makeWorkspace(root) {
  const workspace = join(root, 'workspace');
  const files = {
    'ssot.toml': [
      '[[rules]]',
      'id = "SSOT001"',
      'kind = "module"',
      'name = "app.legacy"',
      'replace = "app.canonical"',
      '',
    ].join('\n'),
    'app/__init__.py': '',
    'app/legacy.py': 'thing = "legacy"\n',
    'app/canonical.py': 'thing = "canonical"\n',
    'main.py': MAIN_BEFORE,
    '.vscode/settings.json': JSON.stringify({ 'ssot.interpreter': [python] }, null, 2),
  };
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(workspace, name)), { recursive: true });
    writeFileSync(join(workspace, name), text);
  }
  return workspace;
}

function userSettings() {
  return {
    'security.workspace.trust.enabled': false,
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'chat.disableAIFeatures': true,
    'editor.minimap.enabled': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'editor.fontSize': 16,
    'window.zoomLevel': 0,
    'files.autoSave': 'off',
  };
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

async function waitFor(what, timeoutMs, probe, intervalMs = 250) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) {
        return value;
      }
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}${last ? ` (${last.message})` : ''}`);
}

/** Files under `dir` whose name matches, newest last. */
function findFiles(dir, pattern) {
  const found = [];
  const walk = (folder) => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) {
        walk(path);
      } else if (pattern.test(name)) {
        found.push(path);
      }
    }
  };
  if (existsSync(dir)) {
    walk(dir);
  }
  return found;
}

/** The extension's "SSOT" output channel and the extension host log, for failure reports. */
function diagnosticsDump() {
  const logs = join(run.root ?? '/nonexistent', 'user-data', 'logs');
  const parts = [];
  for (const file of [...findFiles(logs, /SSOT\.log$/), ...findFiles(logs, /^exthost\.log$/)]) {
    const text = readFileSync(file, 'utf8');
    const name = file.slice(logs.length + 1).replace(/[\\/]/g, '_');
    writeFileSync(join(outputDir, name), text);
    parts.push(`--- ${file} (last 40 lines)\n${text.split('\n').slice(-40).join('\n')}`);
  }
  return parts.length ? parts.join('\n') : '(no extension logs found)';
}

async function screenshot(name) {
  if (run.page) {
    const path = join(outputDir, name);
    await run.page.screenshot({ path }).catch(() => undefined);
    return path;
  }
  return undefined;
}

/** Runs a step; on failure saves a screenshot and the logs, and rethrows with them. */
async function step(name, body) {
  try {
    return await body();
  } catch (error) {
    await screenshot(`failure-${name}.png`);
    error.message += `\n${diagnosticsDump()}`;
    throw error;
  }
}

function requireStep(value, what) {
  if (!value) {
    throw new Error(`skipped: ${what} did not succeed`);
  }
}

before(async () => {
  mkdirSync(outputDir, { recursive: true });
  assert.ok(codeServer, 'set CODE_SERVER to the code-server executable');
  assert.ok(vsix && existsSync(vsix), `set SSOT_VSIX to the packaged extension (got ${vsix})`);
  assert.ok(existsSync(python), `SSOT_PYTHON ${python} does not exist: create the venv with ssot-lsp installed`);
  run.root = mkdtempSync(join(tmpdir(), 'ssot-vscode-e2e-'));
  run.workspace = makeWorkspace(run.root);
  log(`workspace ${run.workspace}, python ${python}`);
});

after(async () => {
  await run.browser?.close().catch(() => undefined);
  if (run.server && run.server.exitCode === null) {
    // code-server runs the extension host and the language server as children: end them all.
    const killGroup = (signal) => {
      try {
        process.kill(-run.server.pid, signal);
      } catch {
        // already gone
      }
    };
    const exited = new Promise((r) => run.server.once('exit', r));
    killGroup('SIGTERM');
    const timer = setTimeout(() => killGroup('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
  if (run.root && process.env.E2E_KEEP !== '1') {
    try {
      rmSync(run.root, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    } catch (error) {
      log(`could not remove ${run.root}: ${error.message}`);
    }
  }
});

function codeServerEnv() {
  const home = join(run.root, 'home');
  for (const dir of ['config', 'data', 'cache']) {
    mkdirSync(join(home, dir), { recursive: true });
  }
  return {
    ...process.env,
    XDG_CONFIG_HOME: join(home, 'config'),
    XDG_DATA_HOME: join(home, 'data'),
    XDG_CACHE_HOME: join(home, 'cache'),
    // Keeps code-server from contacting any extension marketplace.
    EXTENSIONS_GALLERY: '{}',
  };
}

function codeServerArgs() {
  return [
    '--user-data-dir', join(run.root, 'user-data'),
    '--extensions-dir', join(run.root, 'extensions'),
    '--config', join(run.root, 'code-server.yaml'),
  ];
}

test('the packaged extension installs into VS Code', { timeout: 120_000 }, async () => {
  writeFileSync(join(run.root, 'code-server.yaml'), 'auth: none\n');
  mkdirSync(join(run.root, 'user-data', 'User'), { recursive: true });
  writeFileSync(join(run.root, 'user-data', 'User', 'settings.json'), JSON.stringify(userSettings(), null, 2));
  const result = spawnSync(codeServer, [...codeServerArgs(), '--install-extension', vsix], {
    env: codeServerEnv(),
    encoding: 'utf8',
    timeout: 110_000,
  });
  assert.equal(result.status, 0, `code-server --install-extension failed:\n${result.stdout}\n${result.stderr}`);
  const installed = readdirSync(join(run.root, 'extensions')).filter((name) => name.startsWith('ssot-lsp.ssot-lsp-'));
  assert.equal(installed.length, 1, `extension folder missing: ${result.stdout}`);
});

test('the workbench opens the workspace', { timeout: 150_000 }, async () => {
  const port = await freePort();
  const serverLog = join(outputDir, 'code-server.log');
  writeFileSync(serverLog, '');
  const out = (chunk) => writeFileSync(serverLog, chunk, { flag: 'a' });
  run.server = spawn(
    codeServer,
    [
      ...codeServerArgs(),
      '--bind-addr', `127.0.0.1:${port}`,
      '--auth', 'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      run.workspace,
    ],
    { env: codeServerEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  run.server.stdout.on('data', out);
  run.server.stderr.on('data', out);
  const base = `http://127.0.0.1:${port}`;
  await waitFor('code-server /healthz', 60_000, async () => {
    if (run.server.exitCode !== null) {
      throw new Error(`code-server exited with ${run.server.exitCode}; see ${serverLog}`);
    }
    const response = await fetch(`${base}/healthz`);
    return response.ok;
  }, 500);

  run.browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    timeout: 60_000,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      // Nothing but this machine resolves, whatever a page or worker asks for.
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
    ],
  });
  const context = await run.browser.newContext({ viewport: { width: 1100, height: 620 } });
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
    return loopback || url.protocol === 'data:' || url.protocol === 'blob:' ? route.continue() : route.abort();
  });
  run.page = await context.newPage();
  await run.page.goto(`${base}/?folder=${encodeURIComponent(run.workspace)}`, { timeout: 60_000 });
  await step('workbench', async () => {
    await run.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await run.page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'main.py' }).first()
      .waitFor({ timeout: 30_000 });
  });
});

test('opening main.py shows the SSOT001 diagnostic', { timeout: 120_000 }, async () => {
  requireStep(run.page, 'opening the workbench');
  const page = run.page;
  await step('diagnostic', async () => {
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'main.py' }).first().dblclick();
    await page.locator('.monaco-editor .view-lines', { hasText: 'app.legacy' }).first().waitFor({ timeout: 20_000 });
    // The server starts with the editor: allow for a cold interpreter.
    await page.locator('.monaco-editor .squiggly-warning, .monaco-editor .squiggly-error, .monaco-editor .squiggly-info')
      .first().waitFor({ timeout: 60_000 })
      .catch(() => { throw new Error('no SSOT squiggle in main.py within 60s'); });
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
  const page = run.page;
  await step('quickfix', async () => {
    // Put the cursor on the flagged name: click the squiggle (it sits under the text).
    await page.locator('.monaco-editor .squiggly-warning, .monaco-editor .squiggly-error, .monaco-editor .squiggly-info')
      .first().click({ force: true });
    const menu = page.locator('.action-widget').filter({ visible: true }).first();
    let opened = false;
    for (let attempt = 0; attempt < 3 && !opened; attempt++) {
      await page.keyboard.press('Control+.');
      opened = await menu.waitFor({ state: 'visible', timeout: 4000 }).then(() => true, () => false);
    }
    if (!opened) {
      // Ctrl+. is sometimes swallowed by the browser: go through the command palette.
      await page.keyboard.press('F1');
      await page.locator('.quick-input-widget input').fill('>Quick Fix...');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Quick Fix...' }).first()
        .waitFor({ timeout: 5000 });
      await page.keyboard.press('Enter');
      await menu.waitFor({ state: 'visible', timeout: 10_000 })
        .catch(() => { throw new Error('the quick fix menu did not open (Ctrl+. three times, then F1 Quick Fix...)'); });
    }
    const fix = menu.locator('.monaco-list-row', { hasText: /app\.canonical/ }).first();
    await fix.waitFor({ timeout: 10_000 })
      .catch(async () => {
        throw new Error(`no quick fix naming app.canonical; menu: ${await menu.innerText().catch(() => '?')}`);
      });
    await page.waitForTimeout(300); // let the menu finish rendering for the screenshot
    const shot = await screenshot('quickfix.png');
    log(`screenshot ${shot}`);
    // The README's picture: refreshed on request, or made when it is missing.
    const readmeImage = join(clientDir, 'images', 'quickfix.png');
    if (shot && (process.env.E2E_UPDATE_SCREENSHOT === '1' || !existsSync(readmeImage))) {
      mkdirSync(dirname(readmeImage), { recursive: true });
      cpSync(shot, readmeImage);
    }
    await fix.click();
    await page.locator('.monaco-editor .view-lines', { hasText: 'app.canonical' }).first().waitFor({ timeout: 10_000 })
      .catch(() => { throw new Error('the editor text did not change after choosing the quick fix'); });
    await page.keyboard.press('Control+S');
    const mainPy = join(run.workspace, 'main.py');
    await waitFor('main.py on disk to import app.canonical', 15_000, () => readFileSync(mainPy, 'utf8') === MAIN_AFTER)
      .catch((error) => {
        throw new Error(`${error.message}; it reads ${JSON.stringify(readFileSync(mainPy, 'utf8'))}`);
      });
    await waitFor('the squiggle to go away', 20_000, async () =>
      (await page.locator('.monaco-editor .squiggly-warning, .monaco-editor .squiggly-error').count()) === 0);
    run.fixed = true;
  });
});

test('the status bar shows the compliance score and opens the report', { timeout: 90_000 }, async () => {
  requireStep(run.page, 'opening the workbench');
  const page = run.page;
  await step('report', async () => {
    const item = page.locator('.statusbar-item', { hasText: /SSOT \d+(\.\d)?%/ }).first();
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
    await screenshot('report.png');
  });
});

/** Process ids of language servers started for this run's workspace. */
function serverPids() {
  const pids = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) {
      continue;
    }
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      if (cmdline.includes('ssot_lsp') && readlinkSync(`/proc/${name}/cwd`) === run.workspace) {
        pids.push(Number(name));
      }
    } catch {
      // gone, or not ours
    }
  }
  return pids;
}

test('a crashed server is restarted without bothering the user', { timeout: 90_000 }, async () => {
  requireStep(run.page, 'opening the workbench');
  const page = run.page;
  await step('crash', async () => {
    const before = await waitFor('the language server process', 20_000, () => {
      const pids = serverPids();
      return pids.length === 1 ? pids : undefined;
    });
    process.kill(before[0], 'SIGKILL');
    await waitFor('a new language server process', 30_000, () => {
      const pids = serverPids();
      return pids.length === 1 && pids[0] !== before[0];
    });
    await page.locator('.statusbar-item', { hasText: /SSOT \d+(\.\d)?%/ }).first().waitFor({ timeout: 30_000 })
      .catch(() => { throw new Error('the status bar shows no score after the automatic restart'); });
    const complaints = await page.locator('.notification-toast', { hasText: 'SSOT' }).count();
    assert.equal(complaints, 0, 'one crash should restart the server quietly');
  });
});

test('a Python without ssot-lsp gives a notification with the fix, and the server comes back', { timeout: 120_000 }, async () => {
  requireStep(run.page, 'opening the workbench');
  const page = run.page;
  const settingsFile = join(run.workspace, '.vscode', 'settings.json');
  await step('start-failure', async () => {
    // -I -S: the same interpreter without site-packages, where ssot-lsp is not importable.
    writeFileSync(settingsFile, JSON.stringify({ 'ssot.interpreter': [python, '-I', '-S'] }, null, 2));
    const toast = page.locator('.notification-toast', { hasText: 'ssot-lsp is not installed' }).first();
    await toast.waitFor({ timeout: 45_000 })
      .catch(() => { throw new Error('no "ssot-lsp is not installed" notification after switching the interpreter'); });
    const text = (await toast.innerText()).replace(/\u00a0/g, ' ');
    assert.match(text, /pip install "ssot-lsp\[lsp\]"/);
    await toast.locator('.monaco-button', { hasText: 'Open Settings' }).waitFor({ timeout: 5000 });
    await toast.locator('.monaco-button', { hasText: 'Show Output' }).waitFor({ timeout: 5000 });
    await screenshot('start-failure.png');

    writeFileSync(settingsFile, JSON.stringify({ 'ssot.interpreter': [python] }, null, 2));
    await page.locator('.statusbar-item', { hasText: /SSOT \d+(\.\d)?%/ }).first().waitFor({ timeout: 45_000 })
      .catch(() => { throw new Error('the server did not come back after restoring the interpreter'); });
  });
});
