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

export interface Settings {
  /** Python executable plus optional arguments; empty = ask the Python extension, else python3. */
  interpreter: string[];
  /** Extra arguments after `-m ssot_lsp`. */
  serverArgs: string[];
  'trace.server': TraceLevel;
  diagnosticScope: DiagnosticScope;
  // Read by the server itself (workspace/configuration); declared here to keep the mirror.
  debounceMs: number;
  completionBudgetMs: number;
  jediCompletion: boolean;
  scanOnStartup: boolean;
}

export const DEFAULTS: Readonly<Settings> = Object.freeze({
  interpreter: [],
  serverArgs: [],
  'trace.server': 'off',
  diagnosticScope: 'openFiles',
  debounceMs: 150,
  completionBudgetMs: 200,
  jediCompletion: true,
  scanOnStartup: true,
});

/** Settings whose workspace values are ignored in a restricted workspace. */
export const RESTRICTED_KEYS: readonly (keyof Settings)[] = ['interpreter', 'serverArgs'];

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
    interpreter: asStringList(value('interpreter')) ?? [...DEFAULTS.interpreter],
    serverArgs: asStringList(value('serverArgs')) ?? [...DEFAULTS.serverArgs],
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

/**
 * The settings the server reads, for `initializationOptions`: a server that reads them
 * before it can ask `workspace/configuration` still starts with the user's values.
 */
export function serverSettings(settings: Settings): Record<string, unknown> {
  const { interpreter: _interpreter, serverArgs: _serverArgs, 'trace.server': _trace, ...forServer } = settings;
  return forServer;
}

/** True when a configuration change needs a server restart (a new program or new arguments). */
export function needsRestart(before: Settings, after: Settings): boolean {
  return RESTRICTED_KEYS.some(
    (key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]),
  );
}
