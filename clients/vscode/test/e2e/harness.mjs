// A real VS Code workbench for end-to-end tests: code-server with the packaged extension
// installed into a fresh profile, a temporary workspace outside the repository, and
// headless Chromium (playwright-core) that may reach nothing but this machine. Every wait
// is bounded; failures carry a screenshot and the extension's output channel.
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
import { fileURLToPath } from 'node:url';

export const clientDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const repoDir = resolve(clientDir, '..', '..');
export const outputDir = resolve(process.env.E2E_OUTPUT ?? join(clientDir, 'test-output'));
export const python = process.env.SSOT_PYTHON ?? join(repoDir, '.venv', 'bin', 'python');
const codeServer = process.env.CODE_SERVER;
const vsix = process.env.SSOT_VSIX;

export const SQUIGGLE = '.monaco-editor .squiggly-warning, .monaco-editor .squiggly-error, .monaco-editor .squiggly-info';
export const SCORE = /SSOT \d+(\.\d)?%/;

export function log(message) {
  process.stdout.write(`# e2e: ${message}\n`);
}

/** Polls `probe` until it returns something truthy; throws naming `what` after `timeoutMs`. */
export async function waitFor(what, timeoutMs, probe, intervalMs = 250) {
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

/**
 * A Python with nothing installed: a venv without pip made from SSOT_PYTHON's base
 * interpreter, checked to import neither ssot_lsp nor pygls.
 */
export function barePython(folder) {
  const made = spawnSync(python, ['-m', 'venv', '--without-pip', folder], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(made.status, 0, `python -m venv failed: ${made.stderr}`);
  const bare = join(folder, 'bin', 'python');
  for (const module of ['ssot_lsp', 'pygls']) {
    const found = spawnSync(bare, ['-c', `import ${module}`], { encoding: 'utf8', env: { ...process.env, PYTHONPATH: '' } });
    assert.notEqual(found.status, 0, `the bare Python should not import ${module}`);
  }
  return bare;
}

export function requireStep(value, what) {
  if (!value) {
    throw new Error(`skipped: ${what} did not succeed`);
  }
}

/** The workspace of every scenario: one module rule and one file that breaks it. */
export const MAIN_BEFORE = 'from app.legacy import thing\n';
export const MAIN_AFTER = 'from app.canonical import thing\n';
export const RULES = '[[rules]]\nid = "SSOT001"\nkind = "module"\nname = "app.legacy"\nreplace = "app.canonical"\n';

function writeFiles(folder, files) {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(folder, name)), { recursive: true });
    writeFileSync(join(folder, name), text);
  }
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

/** Files under `dir` whose name matches. */
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

export class Workbench {
  /**
   * @param name short name, used for output files
   * @param options.userSettings extra user settings
   * @param options.workspaceSettings the workspace's .vscode/settings.json
   * @param options.trust false: workspace trust on and this workspace untrusted (restricted mode)
   * @param options.files more workspace files (path -> text), or replacements of the default ones
   */
  constructor(name, { userSettings = {}, workspaceSettings = {}, trust = true, files = {} } = {}) {
    this.name = name;
    this.trust = trust;
    this.root = mkdtempSync(join(tmpdir(), `ssot-vscode-e2e-${name}-`));
    this.workspace = join(this.root, 'workspace');
    this.userData = join(this.root, 'user-data');
    mkdirSync(outputDir, { recursive: true });
    writeFiles(this.workspace, {
      'ssot.toml': RULES,
      'app/__init__.py': '',
      'app/legacy.py': 'thing = "legacy"\n',
      'app/canonical.py': 'thing = "canonical"\n',
      'main.py': MAIN_BEFORE,
      '.vscode/settings.json': JSON.stringify(workspaceSettings, null, 2),
      ...files,
    });
    writeFiles(this.root, {
      'code-server.yaml': 'auth: none\n',
      'user-data/User/settings.json': JSON.stringify({ ...baseUserSettings(trust), ...userSettings }, null, 2),
    });
    log(`${name}: workspace ${this.workspace}, python ${python}`);
  }

  static checkEnvironment() {
    assert.ok(codeServer, 'set CODE_SERVER to the code-server executable');
    assert.ok(vsix && existsSync(vsix), `set SSOT_VSIX to the packaged extension (got ${vsix})`);
    assert.ok(existsSync(python), `SSOT_PYTHON ${python} does not exist: create the venv with ssot-lsp installed`);
  }

  env() {
    const home = join(this.root, 'home');
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

  args() {
    return [
      '--user-data-dir', this.userData,
      '--extensions-dir', join(this.root, 'extensions'),
      '--config', join(this.root, 'code-server.yaml'),
    ];
  }

  installExtension() {
    const result = spawnSync(codeServer, [...this.args(), '--install-extension', vsix], {
      env: this.env(),
      encoding: 'utf8',
      timeout: 110_000,
    });
    assert.equal(result.status, 0, `code-server --install-extension failed:\n${result.stdout}\n${result.stderr}`);
    const installed = readdirSync(join(this.root, 'extensions')).filter((n) => n.startsWith('ssot-lsp.ssot-lsp-'));
    assert.equal(installed.length, 1, `extension folder missing: ${result.stdout}`);
  }

  /** Starts code-server and opens the workspace in the browser. */
  async open(playwrightChromium) {
    const port = await freePort();
    const serverLog = join(outputDir, `code-server-${this.name}.log`);
    writeFileSync(serverLog, '');
    const args = [
      ...this.args(),
      '--bind-addr', `127.0.0.1:${port}`,
      '--auth', 'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-getting-started-override',
    ];
    if (this.trust) {
      args.push('--disable-workspace-trust');
    }
    // Its own process group, so that closing ends the extension host and the server too.
    this.server = spawn(codeServer, [...args, this.workspace], {
      env: this.env(),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const append = (chunk) => writeFileSync(serverLog, chunk, { flag: 'a' });
    this.server.stdout.on('data', append);
    this.server.stderr.on('data', append);
    const base = `http://127.0.0.1:${port}`;
    await waitFor('code-server /healthz', 60_000, async () => {
      if (this.server.exitCode !== null) {
        throw new Error(`code-server exited with ${this.server.exitCode}; see ${serverLog}`);
      }
      return (await fetch(`${base}/healthz`)).ok;
    }, 500);

    this.browser = await playwrightChromium.launch({
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
        // Nothing but this machine resolves, whatever a page or a worker asks for.
        '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
      ],
    });
    const context = await this.browser.newContext({ viewport: { width: 1100, height: 620 } });
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
      return loopback || url.protocol === 'data:' || url.protocol === 'blob:' ? route.continue() : route.abort();
    });
    this.page = await context.newPage();
    await this.page.goto(`${base}/?folder=${encodeURIComponent(this.workspace)}`, { timeout: 60_000 });
    await this.step('workbench', async () => {
      await this.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
      await this.explorerRow('main.py').waitFor({ timeout: 30_000 });
    });
  }

  explorerRow(name) {
    return this.page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first();
  }

  /** Opens main.py and waits for the SSOT squiggle. */
  async openMainAndWaitForDiagnostic() {
    await this.explorerRow('main.py').dblclick();
    await this.page.locator('.monaco-editor .view-lines', { hasText: 'app.legacy' }).first().waitFor({ timeout: 20_000 });
    // The server starts with the editor: allow for a cold interpreter.
    await this.page.locator(SQUIGGLE).first().waitFor({ timeout: 60_000 })
      .catch(() => { throw new Error('no SSOT squiggle in main.py within 60s'); });
  }

  /**
   * Puts the cursor on the squiggle, opens the quick fix menu (Ctrl+., else F1 Quick Fix...),
   * chooses the fix naming app.canonical, saves, and checks main.py on disk.
   */
  async applyQuickFixAndSave({ readmeScreenshot = false } = {}) {
    const page = this.page;
    // Put the cursor on the flagged name: click the squiggle (it sits under the text).
    await page.locator(SQUIGGLE).first().click({ force: true });
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
    const shot = await this.screenshot('quickfix.png');
    log(`screenshot ${shot}`);
    // The README's picture: refreshed on request, or made when it is missing.
    const readmeImage = join(clientDir, 'images', 'quickfix.png');
    if (readmeScreenshot && shot && (process.env.E2E_UPDATE_SCREENSHOT === '1' || !existsSync(readmeImage))) {
      mkdirSync(dirname(readmeImage), { recursive: true });
      cpSync(shot, readmeImage);
    }
    await fix.click();
    await page.locator('.monaco-editor .view-lines', { hasText: 'app.canonical' }).first().waitFor({ timeout: 10_000 })
      .catch(() => { throw new Error('the editor text did not change after choosing the quick fix'); });
    await page.keyboard.press('Control+S');
    const mainPy = join(this.workspace, 'main.py');
    await waitFor('main.py on disk to import app.canonical', 15_000, () => readFileSync(mainPy, 'utf8') === MAIN_AFTER)
      .catch((error) => {
        throw new Error(`${error.message}; it reads ${JSON.stringify(readFileSync(mainPy, 'utf8'))}`);
      });
    await waitFor('the squiggle to go away', 20_000, async () => (await page.locator(SQUIGGLE).count()) === 0);
  }

  /** The extension's output channel as logged so far. */
  outputChannel() {
    return findFiles(join(this.userData, 'logs'), /SSOT\.log$/)
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n');
  }

  /** Replaces the workspace's .vscode/settings.json (before opening, or live). */
  writeWorkspaceSettings(settings) {
    writeFiles(this.workspace, { '.vscode/settings.json': JSON.stringify(settings, null, 2) });
  }

  /** The environment variables of a process of this machine. */
  processEnvironment(pid) {
    return Object.fromEntries(
      readFileSync(`/proc/${pid}/environ`, 'utf8')
        .split('\0')
        .filter((entry) => entry.includes('='))
        .map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]),
    );
  }

  /** Process ids of the language servers started for this workspace. */
  serverPids() {
    const pids = [];
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) {
        continue;
      }
      try {
        // The server is `python -m ssot_lsp`; its helpers (`-m ssot_lsp.lsp.worker`) are not counted.
        const args = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
        if (args.includes('ssot_lsp') && readlinkSync(`/proc/${name}/cwd`) === this.workspace) {
          pids.push(Number(name));
        }
      } catch {
        // gone, or not ours
      }
    }
    return pids;
  }

  async screenshot(name) {
    if (!this.page) {
      return undefined;
    }
    const path = join(outputDir, name);
    await this.page.screenshot({ path }).catch(() => undefined);
    return path;
  }

  /** Copies the extension's logs to the output folder and returns their ends. */
  logsForFailure() {
    const logs = join(this.userData, 'logs');
    const parts = [];
    for (const file of [...findFiles(logs, /SSOT\.log$/), ...findFiles(logs, /^exthost\.log$/)]) {
      const text = readFileSync(file, 'utf8');
      writeFileSync(join(outputDir, `${this.name}-${file.slice(logs.length + 1).replace(/[\\/]/g, '_')}`), text);
      parts.push(`--- ${file} (last 40 lines)\n${text.split('\n').slice(-40).join('\n')}`);
    }
    return parts.length ? parts.join('\n') : '(no extension logs found)';
  }

  /** Runs a step; on failure saves a screenshot and the logs, and rethrows with them. */
  async step(name, body) {
    try {
      return await body();
    } catch (error) {
      await this.screenshot(`failure-${this.name}-${name}.png`);
      error.message += `\n${this.logsForFailure()}`;
      throw error;
    }
  }

  async close() {
    await this.browser?.close().catch(() => undefined);
    const server = this.server;
    if (server && server.exitCode === null) {
      const killGroup = (signal) => {
        try {
          process.kill(-server.pid, signal);
        } catch {
          // already gone
        }
      };
      const exited = new Promise((r) => server.once('exit', r));
      killGroup('SIGTERM');
      const timer = setTimeout(() => killGroup('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    if (process.env.E2E_KEEP !== '1') {
      try {
        rmSync(this.root, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
      } catch (error) {
        log(`could not remove ${this.root}: ${error.message}`);
      }
    }
  }
}

function baseUserSettings(trust) {
  return {
    'security.workspace.trust.enabled': !trust,
    // Restricted mode without the modal question at start-up.
    'security.workspace.trust.startupPrompt': 'never',
    'security.workspace.trust.banner': 'never',
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'chat.disableAIFeatures': true,
    'editor.minimap.enabled': false,
    'editor.fontSize': 16,
    'window.zoomLevel': 0,
    'files.autoSave': 'off',
  };
}

/** playwright-core's chromium, from PLAYWRIGHT_CORE or the usual resolution. */
export function playwrightChromium() {
  const require = createRequire(import.meta.url);
  return require(process.env.PLAYWRIGHT_CORE ?? 'playwright-core').chromium;
}
