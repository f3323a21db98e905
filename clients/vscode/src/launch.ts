/**
 * Which program runs the language server (SPEC §9): `ssot.interpreter`, else the Python
 * extension's interpreter, else `python3`; then `-m ssot_lsp` and `ssot.serverArgs`.
 *
 * Pure: no `vscode` import.
 */

export const SERVER_MODULE = 'ssot_lsp';
export const FALLBACK_PYTHON = 'python3';

export type InterpreterSource = 'setting' | 'python-extension' | 'default';

export interface ServerLaunch {
  command: string;
  args: string[];
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
  if (interpreter.length > 0) {
    return { command: [...interpreter], source: 'setting' };
  }
  if (pythonExtension !== undefined && pythonExtension.length > 0 && pythonExtension[0] !== '') {
    return { command: [...pythonExtension], source: 'python-extension' };
  }
  return { command: [FALLBACK_PYTHON], source: 'default' };
}

export function serverLaunch(
  interpreter: readonly string[],
  serverArgs: readonly string[],
  pythonExtension: readonly string[] | undefined,
): ServerLaunch {
  const chosen = chooseInterpreter(interpreter, pythonExtension);
  const [command, ...interpreterArgs] = chosen.command as [string, ...string[]];
  return {
    command,
    args: [...interpreterArgs, '-m', SERVER_MODULE, ...serverArgs],
    source: chosen.source,
  };
}

/** A shell-like rendering of the launch for logs and messages. */
export function describeLaunch(launch: Pick<ServerLaunch, 'command' | 'args'>): string {
  return [launch.command, ...launch.args]
    .map((part) => (/^[\w@%+=:,./-]+$/.test(part) ? part : `'${part.replace(/'/g, `'\\''`)}'`))
    .join(' ');
}
