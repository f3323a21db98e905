/**
 * Turns a language server that would not start into a message a user can act on: a missing
 * interpreter, ssot-lsp not installed in it, or installed without its server extras.
 *
 * Pure: no `vscode` import.
 */

export const INSTALL_HINT = 'pip install "ssot-lsp[lsp]"';

export interface StartFailure {
  command: string;
  /** The spawn error code, e.g. ENOENT or EACCES, when the program could not be run at all. */
  spawnErrorCode?: string;
  exitCode?: number | null;
  /** The end of what the server wrote to stderr. */
  stderr: string;
}

export function describeStartFailure(failure: StartFailure): string {
  const program = failure.command;
  if (failure.spawnErrorCode === 'ENOENT') {
    return (
      `SSOT: the Python interpreter "${program}" was not found. Set "ssot.interpreter" to a ` +
      `Python that has ssot-lsp installed (${INSTALL_HINT}).`
    );
  }
  if (failure.spawnErrorCode === 'EACCES') {
    return `SSOT: "${program}" cannot be executed (permission denied). Check "ssot.interpreter".`;
  }
  const stderr = failure.stderr;
  if (/No module named '?ssot_lsp'?(\s|$)/m.test(stderr)) {
    return (
      `SSOT: ssot-lsp is not installed for "${program}". Install it there with ` +
      `${INSTALL_HINT}, or set "ssot.interpreter" to a Python that has it.`
    );
  }
  const missingExtra = /No module named '?(pygls|lsprotocol|jedi|parso)\b/m.exec(stderr);
  if (missingExtra) {
    return (
      `SSOT: ssot-lsp in "${program}" lacks the language server dependencies ` +
      `(no module ${missingExtra[1]}). Install them with ${INSTALL_HINT}.`
    );
  }
  if (/ssot_lsp.*cannot be directly executed|No module named ssot_lsp\.__main__/.test(stderr)) {
    return (
      `SSOT: the ssot-lsp installed for "${program}" has no language server. ` +
      `Upgrade it with pip install -U "ssot-lsp[lsp]".`
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
    ` Check "ssot.interpreter" (${INSTALL_HINT}).`
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
