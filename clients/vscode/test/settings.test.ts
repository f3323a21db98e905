import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  CLIENT_KEYS,
  DEFAULTS,
  RESTRICTED_KEYS,
  asStringList,
  effectiveValue,
  needsRestart,
  readSettings,
  serverSettings,
  type ConfigurationSource,
  type Inspected,
} from '../src/settings';

/** A configuration whose values per key are given as `inspect()` results. */
function config(values: Record<string, Inspected<unknown>>): ConfigurationSource {
  return {
    inspect<T>(key: string): Inspected<T> | undefined {
      const defaults = (DEFAULTS as unknown as Record<string, unknown>)[key];
      return { defaultValue: defaults, ...values[key] } as Inspected<T>;
    },
  };
}

describe('defaults', () => {
  test('an empty configuration gives the declared defaults', () => {
    assert.deepEqual(readSettings(config({}), true), DEFAULTS);
  });

  test('package.json declares every setting with the same default and a description', () => {
    // Tests run from out/test; package.json is two folders up.
    const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));
    const properties = manifest.contributes.configuration.properties as Record<
      string,
      { default: unknown; description?: string; markdownDescription?: string }
    >;
    const declared = Object.keys(properties).map((key) => key.replace(/^ssot\./, '')).sort();
    assert.deepEqual(declared, Object.keys(DEFAULTS).sort());
    for (const [key, value] of Object.entries(DEFAULTS)) {
      const property = properties[`ssot.${key}`];
      assert.ok(property, key);
      assert.deepEqual(property.default, value, key);
      assert.ok(property.description ?? property.markdownDescription, `${key} has a description`);
    }
    assert.deepEqual(
      [...manifest.capabilities.untrustedWorkspaces.restrictedConfigurations].sort(),
      RESTRICTED_KEYS.map((key) => `ssot.${key}`).sort(),
    );
  });

  test('values of the wrong type fall back to the defaults', () => {
    const settings = readSettings(
      config({
        interpreter: { globalValue: 42 },
        serverArgs: { globalValue: [1, 2] },
        'trace.server': { globalValue: 'loud' },
        diagnosticScope: { globalValue: true },
      }),
      true,
    );
    assert.deepEqual(settings, DEFAULTS);
  });

  test('a lone string is accepted as a one-element interpreter', () => {
    assert.deepEqual(asStringList('/usr/bin/python3'), ['/usr/bin/python3']);
    assert.deepEqual(asStringList(['', ' ', 'py', '-3']), ['py', '-3']);
    assert.deepEqual(asStringList(''), []);
    assert.equal(asStringList({}), undefined);
  });

  test('valid choices are kept', () => {
    const settings = readSettings(
      config({ 'trace.server': { globalValue: 'verbose' }, diagnosticScope: { workspaceValue: 'workspace' } }),
      true,
    );
    assert.equal(settings['trace.server'], 'verbose');
    assert.equal(settings.diagnosticScope, 'workspace');
  });
});

describe('workspace trust', () => {
  const everyScope: Inspected<string[]> = {
    defaultValue: [],
    globalValue: ['/home/me/venv/bin/python'],
    workspaceValue: ['./evil.sh'],
    workspaceFolderValue: ['./evil-folder.sh'],
  };

  test('trusted: the most specific scope wins', () => {
    assert.deepEqual(effectiveValue(everyScope, false), ['./evil-folder.sh']);
    assert.deepEqual(effectiveValue({ ...everyScope, workspaceFolderValue: undefined }, false), ['./evil.sh']);
  });

  test('restricted: only the user value or the default', () => {
    assert.deepEqual(effectiveValue(everyScope, true), ['/home/me/venv/bin/python']);
    assert.deepEqual(effectiveValue({ ...everyScope, globalValue: undefined }, true), []);
  });

  test('an untrusted workspace cannot set the interpreter or the server arguments', () => {
    const values = {
      interpreter: { workspaceValue: ['./evil.sh'] },
      serverArgs: { workspaceFolderValue: ['--tcp'] },
      diagnosticScope: { workspaceValue: 'workspace' },
    };
    const untrusted = readSettings(config(values), false);
    assert.deepEqual(untrusted.interpreter, []);
    assert.deepEqual(untrusted.serverArgs, []);
    // Harmless settings still come from the workspace.
    assert.equal(untrusted.diagnosticScope, 'workspace');

    const trusted = readSettings(config(values), true);
    assert.deepEqual(trusted.interpreter, ['./evil.sh']);
    assert.deepEqual(trusted.serverArgs, ['--tcp']);
  });

  test('an untrusted workspace keeps the user interpreter', () => {
    const settings = readSettings(
      config({ interpreter: { globalValue: ['/opt/py/bin/python'], workspaceValue: ['./evil.sh'] } }),
      false,
    );
    assert.deepEqual(settings.interpreter, ['/opt/py/bin/python']);
  });

  test('a missing inspection gives undefined', () => {
    assert.equal(effectiveValue(undefined, true), undefined);
  });
});

describe('restart on change', () => {
  test('only the program and its arguments need a restart', () => {
    const base = { ...DEFAULTS, interpreter: ['python3'] };
    assert.equal(needsRestart(base, { ...base, diagnosticScope: 'workspace' }), false);
    assert.equal(needsRestart(base, { ...base, 'trace.server': 'verbose' }), false);
    assert.equal(needsRestart(base, { ...base, interpreter: ['python3.12'] }), true);
    assert.equal(needsRestart(base, { ...base, serverArgs: ['--log-level', 'debug'] }), true);
  });
});

describe('server settings', () => {
  test('initializationOptions carry what the server reads, not the launch settings', () => {
    const forServer = serverSettings({ ...DEFAULTS, interpreter: ['/secret/python'], debounceMs: 50 });
    assert.deepEqual(Object.keys(forServer).sort(), [
      'completionBudgetMs',
      'debounceMs',
      'diagnosticScope',
      'jediCompletion',
      'scanOnStartup',
    ]);
    assert.equal(forServer.debounceMs, 50);
    assert.equal(forServer.jediCompletion, true);
  });

  test('a restricted workspace turns jedi off: parso-only analysis', () => {
    assert.equal(serverSettings({ ...DEFAULTS, jediCompletion: true }, true).jediCompletion, false);
  });

  test('the launch settings are restricted and new ones read with their defaults', () => {
    assert.deepEqual([...RESTRICTED_KEYS].sort(), ['importStrategy', 'interpreter', 'path', 'serverArgs']);
    const settings = readSettings(
      config({
        importStrategy: { globalValue: 'fromEnvironment' },
        path: { globalValue: '/opt/bin/ssot-lsp' },
        showNotifications: { globalValue: 'loud' },
      }),
      true,
    );
    assert.equal(settings.importStrategy, 'fromEnvironment');
    assert.deepEqual(settings.path, ['/opt/bin/ssot-lsp']);
    assert.equal(settings.showNotifications, DEFAULTS.showNotifications);
    const untrusted = readSettings(
      config({ importStrategy: { workspaceValue: 'fromEnvironment' }, path: { workspaceValue: ['./evil'] } }),
      false,
    );
    assert.equal(untrusted.importStrategy, 'useBundled');
    assert.deepEqual(untrusted.path, []);
  });

  test('numbers and booleans of the wrong type or sign fall back to the defaults', () => {
    const settings = readSettings(
      config({ debounceMs: { globalValue: -5 }, jediCompletion: { globalValue: 'no' }, completionBudgetMs: { globalValue: 99.6 } }),
      true,
    );
    assert.equal(settings.debounceMs, DEFAULTS.debounceMs);
    assert.equal(settings.jediCompletion, DEFAULTS.jediCompletion);
    assert.equal(settings.completionBudgetMs, 100);
  });

  test("package.json mirrors the server's Settings class one-to-one, defaults included", (t) => {
    // The language server's settings module, in the same repository.
    const serverModule = join(__dirname, '..', '..', '..', '..', 'ssot_lsp', 'lsp', 'settings.py');
    let source: string;
    try {
      source = readFileSync(serverModule, 'utf8');
    } catch {
      t.skip(`${serverModule} not found`);
      return;
    }
    const constants = new Map(
      [...source.matchAll(/^([A-Z_]+) = (.+)$/gm)].map((m) => [m[1] as string, m[2] as string]),
    );
    const pythonValue = (literal: string): unknown => {
      // `_setting(DEFAULT, "what is expected")`: the default is the first argument.
      const declared = /^_setting\(([^,]+),/.exec(literal)?.[1]?.trim() ?? literal;
      const text = constants.get(declared) ?? declared;
      if (text === 'True' || text === 'False') {
        return text === 'True';
      }
      return JSON.parse(text);
    };
    const classBody = /class Settings:[\s\S]*?(?=\n\S|\n\s+def )/.exec(source)?.[0] ?? '';
    const serverDefaults = new Map(
      [...classBody.matchAll(/^\s{4}(\w+): \w+ = ([^#\n]+?)\s*(#|$)/gm)].map((m) => [
        m[1] as string,
        pythonValue(m[2] as string),
      ]),
    );
    assert.ok(serverDefaults.size > 0, 'no settings found in the server module');
    for (const [key, value] of serverDefaults) {
      assert.ok(key in DEFAULTS, `ssot.${key} is missing from the extension's settings`);
      assert.deepEqual((DEFAULTS as unknown as Record<string, unknown>)[key], value, `default of ssot.${key}`);
    }
    // Every other setting is the extension's own, and the server's module lists those too.
    const extensionOnly = Object.keys(DEFAULTS).filter((key) => !serverDefaults.has(key)).sort();
    assert.deepEqual(extensionOnly, [...CLIENT_KEYS].sort());
    const declaredClientKeys = /^CLIENT_SETTINGS = \(([^)]*)\)/m.exec(source)?.[1] ?? '';
    assert.deepEqual([...declaredClientKeys.matchAll(/"([^"]+)"/g)].map((m) => m[1]).sort(), extensionOnly);
  });
});
