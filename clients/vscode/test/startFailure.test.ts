import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { INSTALL_HINT, appendTail, describeStartFailure } from '../src/startFailure';

describe('start failure messages', () => {
  test('ssot-lsp missing from the interpreter', () => {
    const message = describeStartFailure({
      command: '/venv/bin/python',
      exitCode: 1,
      stderr: '/venv/bin/python: No module named ssot_lsp\n',
    });
    assert.match(message, /ssot-lsp is not installed for "\/venv\/bin\/python"/);
    assert.ok(message.includes(INSTALL_HINT));
    assert.ok(message.includes('ssot.interpreter'));
  });

  test('the language server extras missing', () => {
    const message = describeStartFailure({
      command: 'python3',
      exitCode: 1,
      stderr: 'Traceback (most recent call last):\n  ...\nModuleNotFoundError: No module named \'pygls\'\n',
    });
    assert.match(message, /no module pygls/);
    assert.match(message, /--force-reinstall ssot-lsp/);
    assert.match(message, /"ssot.importStrategy" to "useBundled"/);
  });

  test('interpreter not found', () => {
    const message = describeStartFailure({ command: '/nope/python', spawnErrorCode: 'ENOENT', stderr: '' });
    assert.match(message, /"\/nope\/python" was not found/);
    assert.match(message, /Python 3\.9 or newer/);
  });

  test('an ssot.path that is not there names that setting', () => {
    const message = describeStartFailure({ command: '/opt/ssot-lsp', setting: 'ssot.path', spawnErrorCode: 'ENOENT', stderr: '' });
    assert.match(message, /Check "ssot.path", or clear it to use the bundled server/);
  });

  test('an old ssot-lsp without the server', () => {
    const message = describeStartFailure({
      command: 'python3',
      exitCode: 1,
      stderr: "python3: No module named ssot_lsp.__main__; 'ssot_lsp' is a package and cannot be directly executed\n",
    });
    assert.match(message, /has no language server/);
  });

  test('anything else names the exit code and the last line of stderr', () => {
    const message = describeStartFailure({
      command: 'python3',
      exitCode: 3,
      stderr: 'starting\nValueError: bad things\n\n',
    });
    assert.match(message, /\(exit code 3\): ValueError: bad things/);
  });

  test('the stderr tail is bounded', () => {
    let tail = '';
    for (let i = 0; i < 100; i++) {
      tail = appendTail(tail, `line ${i}\n`, 64);
    }
    assert.equal(tail.length, 64);
    assert.ok(tail.endsWith('line 99\n'));
  });
});
