/**
 * Turns a language server that would not start into a message a user can act on: a missing
 * interpreter, ssot-lsp not installed in it (with `ssot.importStrategy` = `fromEnvironment`),
 * or an installation that lacks its libraries.
 *
 * Pure: no `vscode` import.
 */

export const INSTALL_HINT = 'pip install ssot-lsp';
const BUNDLED_HINT = 'or set "ssot.importStrategy" to "useBundled" to run the server that comes with the extension';

export interface StartFailure {
  command: string;
  /** The setting that chose the program: "ssot.interpreter" (default) or "ssot.path". */
  setting?: string;
  /** The spawn error code, e.g. ENOENT or EACCES, when the program could not be run at all. */
  spawnErrorCode?: string;
  exitCode?: number | null;
  /** The end of what the server wrote to stderr. */
  stderr: string;
}

export function describeStartFailure(failure: StartFailure): string {
  const program = failure.command;
  const setting = failure.setting ?? 'ssot.interpreter';
  if (failure.spawnErrorCode === 'ENOENT') {
    return setting === 'ssot.path'
      ? `SSOT: "${program}" was not found. Check "ssot.path", or clear it to use the bundled server.`
      : `SSOT: the Python interpreter "${program}" was not found. Set "ssot.interpreter" to a ` +
          `Python 3.9 or newer.`;
  }
  if (failure.spawnErrorCode === 'EACCES') {
    return `SSOT: "${program}" cannot be executed (permission denied). Check "${setting}".`;
  }
  const stderr = failure.stderr;
  if (/No module named '?ssot_lsp'?(\s|$)/m.test(stderr)) {
    return (
      `SSOT: ssot-lsp is not installed for "${program}". Install it there with ` +
      `${INSTALL_HINT}, set "ssot.interpreter" to a Python that has it, ${BUNDLED_HINT}.`
    );
  }
  const missingExtra = /No module named '?(pygls|lsprotocol|jedi|parso)\b/m.exec(stderr);
  if (missingExtra) {
    return (
      `SSOT: ssot-lsp in "${program}" lacks its language server libraries ` +
      `(no module ${missingExtra[1]}). Reinstall it with pip install --force-reinstall ssot-lsp, ${BUNDLED_HINT}.`
    );
  }
  if (/ssot_lsp.*cannot be directly executed|No module named ssot_lsp\.__main__/.test(stderr)) {
    return (
      `SSOT: the ssot-lsp installed for "${program}" has no language server. ` +
      `Upgrade it with pip install -U ssot-lsp, ${BUNDLED_HINT}.`
    );
  }
  const lastLine = lastMeaningfulLine(stderr);
  const exit =
    failure.exitCode === undefined || failure.exitCode === null
      ? ''
      : ` (exit code ${failure.exitCode})`;
  return (
    `SSOT: the language server could not start${exit}` +
    (lastLine ? `: ${lastLine}` : '.') +
    ` Check "${setting}" and the SSOT output.`
  );
}

function lastMeaningfulLine(text: string): string {
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const line = lines[lines.length - 1] ?? '';
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}

/** Keeps the last `limit` characters of a growing text (a server's stderr). */
export function appendTail(tail: string, chunk: string, limit = 8192): string {
  const joined = tail + chunk;
  return joined.length > limit ? joined.slice(joined.length - limit) : joined;
}
