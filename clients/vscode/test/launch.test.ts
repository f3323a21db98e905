import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  FALLBACK_PYTHON,
  JEDI_PYTHON_ENV,
  NoPythonError,
  chooseInterpreter,
  describeLaunch,
  planLaunch,
  projectPython,
  type LaunchRequest,
  type VersionProbe,
} from '../src/launch';
import { pythonVersionProbe } from '../src/probe';

const LIBS = '/ext/bundled/libs';

function request(overrides: Partial<LaunchRequest> = {}): LaunchRequest {
  return {
    importStrategy: 'useBundled',
    interpreter: [],
    path: [],
    serverArgs: [],
    pythonExtension: undefined,
    restricted: false,
    bundledLibs: LIBS,
    pythonPath: undefined,
    pathDelimiter: ':',
    ...overrides,
  };
}

/** A probe that knows the versions of some programs; the others cannot run. */
function versions(known: Record<string, [number, number]>): VersionProbe & { asked: string[] } {
  const asked: string[] = [];
  const probe = async (command: readonly string[]) => {
    asked.push(command.join(' '));
    return known[command[0] as string];
  };
  return Object.assign(probe, { asked });
}

describe('interpreter choice', () => {
  test('the ssot.interpreter setting, then the Python extension, then python3', () => {
    assert.deepEqual(chooseInterpreter(['/venv/bin/python'], ['/other/python']), {
      command: ['/venv/bin/python'],
      source: 'setting',
    });
    assert.deepEqual(chooseInterpreter([], ['/selected/python']), {
      command: ['/selected/python'],
      source: 'python-extension',
    });
    assert.deepEqual(chooseInterpreter([], undefined), { command: [FALLBACK_PYTHON], source: 'default' });
    assert.deepEqual(chooseInterpreter([], ['']), { command: [FALLBACK_PYTHON], source: 'default' });
  });
});

describe('bundled server (useBundled, the default)', () => {
  test('runs the bundled ssot_lsp with the first Python >= 3.9, bundled/libs first on PYTHONPATH', async () => {
    const probe = versions({ '/old/python': [3, 8], python3: [3, 11] });
    const launch = await planLaunch(
      request({ pythonExtension: ['/old/python'], serverArgs: ['--log-level', 'debug'], pythonPath: '/mine' }),
      probe,
    );
    assert.equal(launch.kind, 'bundled');
    assert.equal(launch.command, 'python3');
    assert.deepEqual(launch.args, ['-m', 'ssot_lsp', '--log-level', 'debug']);
    assert.equal(launch.source, 'default');
    assert.equal(launch.pythonVersion, '3.11');
    assert.equal(launch.env.PYTHONPATH, `${LIBS}:/mine`);
    // Completion still uses the project's (older) interpreter.
    assert.equal(launch.env[JEDI_PYTHON_ENV], '/old/python');
    assert.deepEqual(probe.asked, ['/old/python', 'python3']);
    assert.match(launch.notes.join('\n'), /\/old\/python \(Python 3\.8\)/);
  });

  test('the setting is used when it is new enough, with its arguments before -m', async () => {
    const launch = await planLaunch(
      request({ interpreter: ['/venv/bin/python', '-X', 'utf8'] }),
      versions({ '/venv/bin/python': [3, 9] }),
    );
    assert.equal(launch.command, '/venv/bin/python');
    assert.deepEqual(launch.args, ['-X', 'utf8', '-m', 'ssot_lsp']);
    assert.equal(launch.source, 'setting');
    assert.equal(launch.env.PYTHONPATH, LIBS);
    // A command with arguments cannot be handed to jedi as an environment.
    assert.equal(launch.env[JEDI_PYTHON_ENV], undefined);
  });

  test('no Python >= 3.9 anywhere is an error naming what was tried', async () => {
    await assert.rejects(
      planLaunch(request({ interpreter: ['/py38'] }), versions({ '/py38': [3, 8], python: [2, 7] })),
      (error: unknown) =>
        error instanceof NoPythonError &&
        /\/py38 \(Python 3\.8\), python3 \(cannot run\), python \(Python 2\.7\)/.test(error.message),
    );
  });

  test('a build without bundled libraries falls back to the interpreter\'s ssot-lsp', async () => {
    const launch = await planLaunch(request({ bundledLibs: undefined }), versions({}));
    assert.equal(launch.kind, 'environment');
    assert.deepEqual(launch.env, {});
    assert.match(launch.notes.join(), /no bundled server/);
  });
});

describe('fromEnvironment', () => {
  test('runs -m ssot_lsp of the chosen interpreter without checking its version', async () => {
    const probe = versions({});
    const launch = await planLaunch(
      request({ importStrategy: 'fromEnvironment', pythonExtension: ['/usr/bin/env', 'python3'] }),
      probe,
    );
    assert.equal(launch.kind, 'environment');
    assert.equal(launch.command, '/usr/bin/env');
    assert.deepEqual(launch.args, ['python3', '-m', 'ssot_lsp']);
    assert.deepEqual(launch.env, {});
    assert.deepEqual(probe.asked, []);
  });
});

describe('ssot.path', () => {
  test('runs that executable with serve and the server arguments', async () => {
    const launch = await planLaunch(
      request({ path: ['/opt/bin/ssot-lsp', '--verbose'], serverArgs: ['--tcp'] }),
      versions({}),
    );
    assert.equal(launch.kind, 'executable');
    assert.equal(launch.command, '/opt/bin/ssot-lsp');
    assert.deepEqual(launch.args, ['--verbose', 'serve', '--tcp']);
  });
});

describe('restricted workspace', () => {
  test('always the bundled server, never ssot.path, no project interpreter for jedi', async () => {
    const launch = await planLaunch(
      request({
        restricted: true,
        importStrategy: 'fromEnvironment',
        path: ['./evil'],
        pythonExtension: ['/workspace/python'],
        interpreter: ['/home/me/python'],
      }),
      versions({ '/home/me/python': [3, 12] }),
    );
    assert.equal(launch.kind, 'bundled');
    assert.equal(launch.command, '/home/me/python');
    assert.equal(launch.env[JEDI_PYTHON_ENV], undefined);
    assert.match(launch.notes.join('\n'), /ssot\.path is not used/);
    assert.match(launch.notes.join('\n'), /whatever ssot\.importStrategy says/);
  });
});

describe('helpers', () => {
  test('projectPython prefers the Python extension and takes plain executables only', () => {
    assert.equal(projectPython(['/setting'], ['/ext']), '/ext');
    assert.equal(projectPython(['/setting'], undefined), '/setting');
    assert.equal(projectPython(['conda', 'run'], ['/usr/bin/env', 'python3']), undefined);
  });

  test('describeLaunch quotes what a shell would split', () => {
    assert.equal(
      describeLaunch({ command: '/My Venv/bin/python', args: ['-m', 'ssot_lsp', "it's"] }),
      `'/My Venv/bin/python' -m ssot_lsp 'it'\\''s'`,
    );
  });

  test('the version probe runs the interpreter', async () => {
    const probe = pythonVersionProbe();
    const version = await probe([process.env.SSOT_PYTHON ?? 'python3']);
    assert.ok(version !== undefined && version[0] === 3 && version[1] >= 9, String(version));
    assert.equal(await probe(['/nonexistent/python']), undefined);
  });
});
