/**
 * The extension's settings (SPEC §9): declared once as typed defaults, mirrored one-to-one
 * in package.json, and read through `inspect()` so that a restricted (untrusted) workspace
 * can never choose the program that runs the language server.
 *
 * Pure: no `vscode` import, so the unit tests run under plain Node.
 */

export const SECTION = 'ssot';

export type TraceLevel = 'off' | 'messages' | 'verbose';
export type DiagnosticScope = 'openFiles' | 'workspace';
export type ImportStrategy = 'useBundled' | 'fromEnvironment';
export type NotificationLevel = 'off' | 'onError' | 'onWarning' | 'always';

export const IMPORT_STRATEGIES: readonly ImportStrategy[] = ['useBundled', 'fromEnvironment'];
export const NOTIFICATION_LEVELS: readonly NotificationLevel[] = ['off', 'onError', 'onWarning', 'always'];

export interface Settings {
  /** Which ssot-lsp runs: the one bundled in the extension, or the interpreter's own. */
  importStrategy: ImportStrategy;
  /** Python executable plus optional arguments; empty = ask the Python extension, else python3. */
  interpreter: string[];
  /** An `ssot-lsp` executable (plus arguments) to run instead of a Python module; empty = none. */
  path: string[];
  /** Extra arguments for the server (after `-m ssot_lsp`, or after `serve` for `path`). */
  serverArgs: string[];
  /** Which of the extension's own messages pop up (all of them go to the output channel). */
  showNotifications: NotificationLevel;
  'trace.server': TraceLevel;
  diagnosticScope: DiagnosticScope;
  // Read by the server itself (workspace/configuration); declared here to keep the mirror.
  debounceMs: number;
  completionBudgetMs: number;
  jediCompletion: boolean;
  scanOnStartup: boolean;
}

export const DEFAULTS: Readonly<Settings> = Object.freeze({
  importStrategy: 'useBundled',
  interpreter: [],
  path: [],
  serverArgs: [],
  showNotifications: 'onError',
  'trace.server': 'off',
  diagnosticScope: 'openFiles',
  debounceMs: 150,
  completionBudgetMs: 200,
  jediCompletion: true,
  scanOnStartup: true,
});

/**
 * Settings that choose the program the server runs as: their workspace values are ignored in
 * a restricted workspace, and a change restarts the server.
 */
export const RESTRICTED_KEYS: readonly (keyof Settings)[] = ['importStrategy', 'interpreter', 'path', 'serverArgs'];

/** The shape of `WorkspaceConfiguration.inspect()` that matters here. */
export interface Inspected<T> {
  defaultValue?: T;
  globalValue?: T;
  workspaceValue?: T;
  workspaceFolderValue?: T;
}

/** What `vscode.WorkspaceConfiguration` offers; declared here to keep this module pure. */
export interface ConfigurationSource {
  inspect<T>(key: string): Inspected<T> | undefined;
}

/**
 * The value a setting takes. Trusted: the most specific scope wins, as in VS Code.
 * Restricted: only the user's own (global) value or the default, for the keys in
 * RESTRICTED_KEYS; workspace and folder values are what an untrusted repository controls.
 */
export function effectiveValue<T>(
  inspected: Inspected<T> | undefined,
  restricted: boolean,
): T | undefined {
  if (inspected === undefined) {
    return undefined;
  }
  if (restricted) {
    return inspected.globalValue ?? inspected.defaultValue;
  }
  return (
    inspected.workspaceFolderValue ??
    inspected.workspaceValue ??
    inspected.globalValue ??
    inspected.defaultValue
  );
}

/** A string list setting; a lone string is taken as a one-element list, blanks are dropped. */
export function asStringList(value: unknown): string[] | undefined {
  if (typeof value === 'string') {
    return value.trim() === '' ? [] : [value];
  }
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) {
    return value.filter((item: string) => item.trim() !== '');
  }
  return undefined;
}

function asChoice<T extends string>(value: unknown, choices: readonly T[]): T | undefined {
  return typeof value === 'string' && (choices as readonly string[]).includes(value)
    ? (value as T)
    : undefined;
}

function asMilliseconds(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.round(value) : undefined;
}

function asBoolean(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

/** Reads every setting once; values of the wrong type fall back to the defaults. */
export function readSettings(config: ConfigurationSource, workspaceTrusted: boolean): Settings {
  const value = (key: keyof Settings): unknown =>
    effectiveValue(config.inspect<unknown>(key), !workspaceTrusted && RESTRICTED_KEYS.includes(key));
  return {
    importStrategy: asChoice(value('importStrategy'), IMPORT_STRATEGIES) ?? DEFAULTS.importStrategy,
    interpreter: asStringList(value('interpreter')) ?? [...DEFAULTS.interpreter],
    path: asStringList(value('path')) ?? [...DEFAULTS.path],
    serverArgs: asStringList(value('serverArgs')) ?? [...DEFAULTS.serverArgs],
    showNotifications: asChoice(value('showNotifications'), NOTIFICATION_LEVELS) ?? DEFAULTS.showNotifications,
    'trace.server':
      asChoice(value('trace.server'), ['off', 'messages', 'verbose'] as const) ??
      DEFAULTS['trace.server'],
    diagnosticScope:
      asChoice(value('diagnosticScope'), ['openFiles', 'workspace'] as const) ??
      DEFAULTS.diagnosticScope,
    debounceMs: asMilliseconds(value('debounceMs')) ?? DEFAULTS.debounceMs,
    completionBudgetMs: asMilliseconds(value('completionBudgetMs')) ?? DEFAULTS.completionBudgetMs,
    jediCompletion: asBoolean(value('jediCompletion')) ?? DEFAULTS.jediCompletion,
    scanOnStartup: asBoolean(value('scanOnStartup')) ?? DEFAULTS.scanOnStartup,
  };
}

/** Settings only the extension reads; the others are the server's (ssot_lsp/lsp/settings.py). */
export const CLIENT_KEYS: readonly (keyof Settings)[] = [...RESTRICTED_KEYS, 'showNotifications', 'trace.server'];

/**
 * The settings the server reads, for `initializationOptions`: a server that reads them
 * before it can ask `workspace/configuration` still starts with the user's values.
 * `parsoOnly` (a restricted workspace) turns jedi off whatever the settings say.
 */
export function serverSettings(settings: Settings, parsoOnly = false): Record<string, unknown> {
  const forServer: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(settings)) {
    if (!(CLIENT_KEYS as readonly string[]).includes(key)) {
      forServer[key] = value;
    }
  }
  if (parsoOnly) {
    forServer.jediCompletion = false;
  }
  return forServer;
}

/** True when a configuration change needs a server restart (a new program or new arguments). */
export function needsRestart(before: Settings, after: Settings): boolean {
  return RESTRICTED_KEYS.some(
    (key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]),
  );
}
