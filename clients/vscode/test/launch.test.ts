import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FALLBACK_PYTHON, chooseInterpreter, describeLaunch, serverLaunch } from '../src/launch';

describe('interpreter choice', () => {
  test('the ssot.interpreter setting wins', () => {
    assert.deepEqual(chooseInterpreter(['/venv/bin/python'], ['/other/python']), {
      command: ['/venv/bin/python'],
      source: 'setting',
    });
  });

  test('then the Python extension', () => {
    assert.deepEqual(chooseInterpreter([], ['/selected/python']), {
      command: ['/selected/python'],
      source: 'python-extension',
    });
  });

  test('then python3', () => {
    assert.deepEqual(chooseInterpreter([], undefined), { command: [FALLBACK_PYTHON], source: 'default' });
    assert.deepEqual(chooseInterpreter([], []), { command: [FALLBACK_PYTHON], source: 'default' });
    assert.deepEqual(chooseInterpreter([], ['']), { command: [FALLBACK_PYTHON], source: 'default' });
  });
});

describe('server command', () => {
  test('interpreter arguments come before -m ssot_lsp, server arguments after', () => {
    assert.deepEqual(serverLaunch(['conda', 'run', '-n', 'dev', 'python'], ['--log-level', 'debug'], undefined), {
      command: 'conda',
      args: ['run', '-n', 'dev', 'python', '-m', 'ssot_lsp', '--log-level', 'debug'],
      source: 'setting',
    });
  });

  test('the default launch', () => {
    assert.deepEqual(serverLaunch([], [], undefined), {
      command: 'python3',
      args: ['-m', 'ssot_lsp'],
      source: 'default',
    });
  });

  test('the Python extension command keeps its arguments', () => {
    const launch = serverLaunch([], [], ['/usr/bin/env', 'python3']);
    assert.equal(launch.command, '/usr/bin/env');
    assert.deepEqual(launch.args, ['python3', '-m', 'ssot_lsp']);
  });

  test('describeLaunch quotes what a shell would split', () => {
    assert.equal(
      describeLaunch({ command: '/My Venv/bin/python', args: ['-m', 'ssot_lsp', "it's"] }),
      `'/My Venv/bin/python' -m ssot_lsp 'it'\\''s'`,
    );
  });
});
