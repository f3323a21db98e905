/**
 * Which program runs the language server (SPEC §9).
 *
 * - `ssot.path` (trusted workspaces only): that `ssot-lsp` executable, `serve`, `ssot.serverArgs`.
 * - `ssot.importStrategy` = `useBundled` (the default, and always in a restricted workspace):
 *   the ssot-lsp bundled in the extension (bundled/libs on PYTHONPATH) with the first Python
 *   >= 3.9 of `ssot.interpreter`, the Python extension's interpreter, `python3`, `python`;
 *   jedi completes against the project's interpreter (SSOT_LSP_JEDI_PYTHON), whatever its version.
 * - `fromEnvironment`: `<interpreter> -m ssot_lsp` with the ssot-lsp installed there, the
 *   interpreter being `ssot.interpreter`, else the Python extension's, else `python3`.
 *
 * Pure: no `vscode` import; the Python version probe is passed in.
 */
import type { ImportStrategy } from './settings';

export const SERVER_MODULE = 'ssot_lsp';
export const FALLBACK_PYTHON = 'python3';
/** Tried in this order after the settings when looking for a Python to run the bundled server. */
export const FALLBACK_PYTHONS: readonly string[] = [FALLBACK_PYTHON, 'python'];
export const MIN_PYTHON: readonly [number, number] = [3, 9];
/** Read by the server's jedi helper: the project's Python (ssot_lsp/lsp/jedi_jobs.py). */
export const JEDI_PYTHON_ENV = 'SSOT_LSP_JEDI_PYTHON';

export type InterpreterSource = 'setting' | 'python-extension' | 'default' | 'path';
/** bundled: the extension's own ssot-lsp; environment: the interpreter's; executable: ssot.path. */
export type ServerKind = 'bundled' | 'environment' | 'executable';

export interface ServerLaunch {
  command: string;
  args: string[];
  source: InterpreterSource;
  kind: ServerKind;
  /** Added to the extension host's environment for the server process. */
  env: Record<string, string>;
  /** "3.11" when the version was checked (bundled server). */
  pythonVersion?: string;
  /** What was tried and passed over on the way, for the log. */
  notes: string[];
}

export interface LaunchRequest {
  importStrategy: ImportStrategy;
  interpreter: readonly string[];
  path: readonly string[];
  serverArgs: readonly string[];
  /** The Python extension's interpreter command; undefined when absent or not to be asked. */
  pythonExtension: readonly string[] | undefined;
  /** A restricted (untrusted) workspace: bundled server, no project interpreter, no ssot.path. */
  restricted: boolean;
  /** The folder holding the bundled ssot_lsp package, or undefined when this build has none. */
  bundledLibs: string | undefined;
  /** PYTHONPATH of the extension host, kept after the bundled folder. */
  pythonPath: string | undefined;
  pathDelimiter: string;
}

/** [major, minor] of the Python a command runs, or undefined when it cannot be run. */
export type VersionProbe = (command: readonly string[]) => Promise<readonly [number, number] | undefined>;

/** No Python >= 3.9 was found to run the bundled server. */
export class NoPythonError extends Error {
  constructor(readonly tried: string[]) {
    super(
      `no Python ${MIN_PYTHON.join('.')} or newer found to run the bundled language server ` +
        `(tried ${tried.join(', ')})`,
    );
  }
}

interface Candidate {
  command: string[];
  source: InterpreterSource;
}

/**
 * @param interpreter the `ssot.interpreter` setting, already filtered for workspace trust
 * @param pythonExtension the Python extension's interpreter command, when it is installed,
 *   has one, and may be used (never in a restricted workspace)
 */
export function chooseInterpreter(
  interpreter: readonly string[],
  pythonExtension: readonly string[] | undefined,
): { command: string[]; source: InterpreterSource } {
  return candidates(interpreter, pythonExtension)[0] as Candidate;
}

function candidates(interpreter: readonly string[], pythonExtension: readonly string[] | undefined): Candidate[] {
  const found: Candidate[] = [];
  if (interpreter.length > 0) {
    found.push({ command: [...interpreter], source: 'setting' });
  }
  if (pythonExtension !== undefined && pythonExtension.length > 0 && pythonExtension[0] !== '') {
    found.push({ command: [...pythonExtension], source: 'python-extension' });
  }
  for (const name of FALLBACK_PYTHONS) {
    found.push({ command: [name], source: 'default' });
  }
  return found;
}

/** The interpreter command as program + arguments, with `-m ssot_lsp` and the server arguments. */
function pythonLaunch(
  chosen: Candidate,
  serverArgs: readonly string[],
  kind: ServerKind,
): Pick<ServerLaunch, 'command' | 'args' | 'source' | 'kind'> {
  const [command, ...interpreterArgs] = chosen.command as [string, ...string[]];
  return { command, args: [...interpreterArgs, '-m', SERVER_MODULE, ...serverArgs], source: chosen.source, kind };
}

/** The project's Python for jedi: a plain executable from the Python extension, else from the setting. */
export function projectPython(
  interpreter: readonly string[],
  pythonExtension: readonly string[] | undefined,
): string | undefined {
  for (const command of [pythonExtension, interpreter]) {
    if (command !== undefined && command.length === 1 && command[0] !== '') {
      return command[0];
    }
  }
  return undefined;
}

export function atLeast(version: readonly [number, number], minimum: readonly [number, number]): boolean {
  return version[0] > minimum[0] || (version[0] === minimum[0] && version[1] >= minimum[1]);
}

export async function planLaunch(request: LaunchRequest, probe: VersionProbe): Promise<ServerLaunch> {
  const notes: string[] = [];
  if (request.path.length > 0) {
    if (!request.restricted) {
      const [command, ...pathArgs] = request.path as [string, ...string[]];
      return { command, args: [...pathArgs, 'serve', ...request.serverArgs], source: 'path', kind: 'executable', env: {}, notes };
    }
    notes.push('Restricted mode: ssot.path is not used; running the bundled server.');
  }
  let strategy = request.importStrategy;
  if (request.restricted && strategy !== 'useBundled') {
    notes.push('Restricted mode: running the bundled server whatever ssot.importStrategy says.');
    strategy = 'useBundled';
  }
  if (strategy === 'useBundled' && request.bundledLibs === undefined) {
    notes.push('This build of the extension has no bundled server: using the interpreter\'s ssot-lsp.');
    strategy = 'fromEnvironment';
  }
  const pythonExtension = request.restricted ? undefined : request.pythonExtension;
  const choices = candidates(request.interpreter, pythonExtension);
  if (strategy === 'fromEnvironment') {
    return { ...pythonLaunch(choices[0] as Candidate, request.serverArgs, 'environment'), env: {}, notes };
  }
  const tried: string[] = [];
  for (const candidate of choices) {
    const version = await probe(candidate.command);
    const shown = candidate.command.join(' ');
    if (version === undefined) {
      tried.push(`${shown} (cannot run)`);
      continue;
    }
    if (!atLeast(version, MIN_PYTHON)) {
      tried.push(`${shown} (Python ${version.join('.')})`);
      continue;
    }
    if (tried.length > 0) {
      notes.push(`Passed over for the bundled server: ${tried.join(', ')}.`);
    }
    const env: Record<string, string> = {
      PYTHONPATH: [request.bundledLibs as string, request.pythonPath]
        .filter((part) => part !== undefined && part !== '')
        .join(request.pathDelimiter),
    };
    const project = request.restricted ? undefined : projectPython(request.interpreter, pythonExtension);
    if (project !== undefined) {
      env[JEDI_PYTHON_ENV] = project;
    }
    return {
      ...pythonLaunch(candidate, request.serverArgs, 'bundled'),
      env,
      pythonVersion: version.join('.'),
      notes,
    };
  }
  throw new NoPythonError(tried);
}

/** A shell-like rendering of the launch for logs and messages. */
export function describeLaunch(launch: Pick<ServerLaunch, 'command' | 'args'>): string {
  return [launch.command, ...launch.args]
    .map((part) => (/^[\w@%+=:,./-]+$/.test(part) ? part : `'${part.replace(/'/g, `'\\''`)}'`))
    .join(' ');
}
