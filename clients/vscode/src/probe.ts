/**
 * Asks an interpreter command for its Python version (`-c` after its own arguments).
 *
 * Pure: no `vscode` import.
 */
import { execFile } from 'node:child_process';
import type { VersionProbe } from './launch';

const PRINT_VERSION = 'import sys; sys.stdout.write("%d.%d" % sys.version_info[:2])';

export function pythonVersionProbe(timeoutMs = 15000): VersionProbe {
  return (command) =>
    new Promise((resolve) => {
      const [program, ...args] = command as [string, ...string[]];
      execFile(program, [...args, '-c', PRINT_VERSION], { timeout: timeoutMs, windowsHide: true }, (error, stdout) => {
        const match = /^(\d+)\.(\d+)$/.exec(String(stdout).trim());
        resolve(error || !match ? undefined : [Number(match[1]), Number(match[2])]);
      });
    });
}
