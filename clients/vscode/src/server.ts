/**
 * Starts, stops and restarts the ssot-lsp language server (`<python> -m ssot_lsp`) over
 * stdio with vscode-languageclient, and turns a server that cannot start into one clear
 * notification (SPEC §9).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  State,
  type CloseHandlerResult,
  type ErrorHandler,
  type ErrorHandlerResult,
  type LanguageClientOptions,
  type Message,
  type Middleware,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { debounce } from './debounce';
import { JEDI_PYTHON_ENV, NoPythonError, describeLaunch, planLaunch, type ServerLaunch } from './launch';
import { shouldNotify, type Severity } from './notifications';
import { pythonVersionProbe } from './probe';
import { onDidChangePythonInterpreter, pythonExtensionInterpreter } from './pythonExtension';
import {
  RESTRICTED_KEYS,
  SECTION,
  effectiveValue,
  needsRestart,
  readSettings,
  serverSettings,
  type Settings,
} from './settings';
import { appendTail, describeStartFailure } from './startFailure';

export type ServerStatus = 'stopped' | 'starting' | 'running' | 'failed';

const CLIENT_ID = 'ssot';
const CLIENT_NAME = 'SSOT import registry';
const MAX_RESTARTS = 4;
const RESTART_WINDOW_MS = 3 * 60 * 1000;
const STOP_TIMEOUT_MS = 3000;
const CONFIGURATION_RESTART_DELAY_MS = 500;

/**
 * The language client, with its own error notifications silenced: every failure is logged
 * to the output channel by the library and reported to the user once, by SsotServer.
 */
class SsotLanguageClient extends LanguageClient {
  override error(message: string, data?: unknown, _showNotification?: boolean | 'force'): void {
    super.error(message, data, false);
  }
}

/** What one client went through, shared by its error handler and its state listener. */
interface Lifecycle {
  wasRunning: boolean;
  /** The error handler chose to restart; the next Stopped state is part of that. */
  restartPending: boolean;
}

/** The server process of the current attempt, watched so a failure can be explained. */
interface ServerProcess {
  child: ChildProcess;
  stderr: string;
  spawnErrorCode?: string;
  exited: Promise<number | null>;
}

export class SsotServer implements vscode.Disposable {
  private client: SsotLanguageClient | undefined;
  private process: ServerProcess | undefined;
  private launch: ServerLaunch | undefined;
  /** The settings the current server was started with. */
  private settings: Settings | undefined;
  private statusValue: ServerStatus = 'stopped';
  /** start/stop/restart run one at a time, in the order they were asked for. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly statusEmitter = new vscode.EventEmitter<ServerStatus>();
  private readonly disposables: vscode.Disposable[] = [this.statusEmitter];

  readonly onDidChangeStatus = this.statusEmitter.event;

  /**
   * @param bundledLibs the folder with the bundled ssot_lsp package and its libraries
   *   (`<extension>/bundled/libs`), or undefined when this build has none
   */
  constructor(
    private readonly output: vscode.OutputChannel,
    private readonly bundledLibs: string | undefined,
  ) {}

  /** `<extension>/bundled/libs` when it holds the server. */
  static bundledLibsOf(extensionPath: string): string | undefined {
    const libs = join(extensionPath, 'bundled', 'libs');
    return existsSync(join(libs, 'ssot_lsp', '__main__.py')) ? libs : undefined;
  }

  get status(): ServerStatus {
    return this.statusValue;
  }

  /** The running client, for requests; undefined while the server is not running. */
  get runningClient(): LanguageClient | undefined {
    return this.statusValue === 'running' ? this.client : undefined;
  }

  /** Restarts when a setting that decides the server's program or arguments changes. */
  watchConfiguration(): void {
    // Debounced: one restart for a burst of edits, after the client has sent its own
    // didChangeConfiguration for the change.
    const restartSoon = debounce(() => {
      const next = readSettings(vscode.workspace.getConfiguration(SECTION), vscode.workspace.isTrusted);
      if (this.settings !== undefined && !needsRestart(this.settings, next)) {
        return; // e.g. a workspace value that a restricted workspace ignores anyway
      }
      this.log('Interpreter or server arguments changed: restarting the server.');
      void this.restart();
    }, CONFIGURATION_RESTART_DELAY_MS);
    this.disposables.push(
      { dispose: () => restartSoon.cancel() },
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (RESTRICTED_KEYS.some((key) => event.affectsConfiguration(`${SECTION}.${key}`))) {
          restartSoon();
        }
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        this.log('Workspace trusted: restarting the server with the workspace settings.');
        void this.restart();
      }),
    );
    void onDidChangePythonInterpreter(() => {
      // The bundled server also hands the selected interpreter to jedi.
      const launch = this.launch;
      if (launch === undefined || launch.kind === 'bundled' || launch.source === 'python-extension' || launch.source === 'default') {
        this.log('The Python extension selected another interpreter: restarting the server.');
        void this.restart();
      }
    }).then((disposable) => disposable && this.disposables.push(disposable));
  }

  start(): Promise<boolean> {
    return this.enqueue(() => this.doStart());
  }

  stop(): Promise<void> {
    return this.enqueue(() => this.doStop());
  }

  restart(): Promise<boolean> {
    return this.enqueue(async () => {
      await this.doStop();
      return this.doStart();
    });
  }

  dispose(): void {
    void this.stop();
    for (const disposable of this.disposables) {
      disposable.dispose();
    }
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private setStatus(status: ServerStatus): void {
    if (status !== this.statusValue) {
      this.statusValue = status;
      this.statusEmitter.fire(status);
    }
  }

  private log(line: string): void {
    this.output.appendLine(`[client] ${line}`);
  }

  private async doStart(): Promise<boolean> {
    const trusted = vscode.workspace.isTrusted;
    const config = vscode.workspace.getConfiguration(SECTION);
    const settings = readSettings(config, trusted);
    this.settings = settings;
    if (!trusted) {
      this.logIgnoredWorkspaceSettings(config);
    }
    const folder = vscode.workspace.workspaceFolders?.[0];
    // The Python extension's choice can come from workspace settings: only when trusted.
    const fromPythonExtension =
      settings.interpreter.length === 0 && trusted
        ? await withTimeout(pythonExtensionInterpreter(folder?.uri, (l) => this.log(l)), 10000)
        : undefined;
    this.setStatus('starting');
    let launch: ServerLaunch;
    try {
      launch = await planLaunch(
        {
          ...settings,
          pythonExtension: fromPythonExtension,
          restricted: !trusted,
          bundledLibs: this.bundledLibs,
          pythonPath: process.env.PYTHONPATH,
          pathDelimiter: delimiter,
        },
        pythonVersionProbe(),
      );
    } catch (error) {
      if (!(error instanceof NoPythonError)) {
        throw error;
      }
      const message =
        `SSOT: ${error.message}. Install Python 3.9 or newer, or set "ssot.interpreter" to one ` +
        '(your project may keep an older Python: completion still uses it).';
      this.log(message);
      this.launch = undefined;
      this.setStatus('failed');
      void this.notify(message, 'error');
      return false;
    }
    this.launch = launch;
    for (const note of launch.notes) {
      this.log(note);
    }
    this.log(`Starting: ${describeLaunch(launch)} (${describeServer(launch)})`);
    const projectPython = launch.env[JEDI_PYTHON_ENV];
    if (projectPython !== undefined) {
      this.log(`Completion uses the packages of ${projectPython}.`);
    }
    if (!trusted) {
      this.log('Restricted mode: jedi completion is off (the server uses parso only).');
    }

    const lifecycle: Lifecycle = { wasRunning: false, restartPending: false };
    const client = new SsotLanguageClient(
      CLIENT_ID,
      CLIENT_NAME,
      this.serverOptions(launch, folder?.uri.fsPath),
      this.clientOptions(settings, lifecycle, !trusted),
    );
    this.client = client;
    client.onDidChangeState((event) => {
      if (this.client !== client) {
        return; // a client this object already stopped
      }
      if (event.newState === State.Running) {
        lifecycle.wasRunning = true;
        this.setStatus('running');
      } else if (event.newState === State.Starting || lifecycle.restartPending) {
        // The client passes through Stopped on its way to an automatic restart.
        lifecycle.restartPending = false;
        this.setStatus('starting');
      } else if (lifecycle.wasRunning) {
        // Stopped without being asked to: it crashed too often, or failed to restart.
        this.client = undefined;
        this.setStatus('failed');
        void this.reportCrash();
      }
    });
    try {
      await client.start();
      // start() can resolve although the server exited during initialisation (when the
      // connection closed first), so ask the client for its state.
      if (!client.isRunning()) {
        throw new Error('the server exited during initialisation');
      }
      this.log('Server started.');
      this.setStatus('running');
      return true;
    } catch (error) {
      this.log(`The server did not start: ${error instanceof Error ? error.message : String(error)}`);
      if (this.client === client) {
        this.client = undefined;
      }
      this.setStatus('failed');
      await this.reportStartFailure(launch);
      return false;
    }
  }

  private async doStop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client !== undefined) {
      try {
        if (client.needsStop()) {
          await client.stop(STOP_TIMEOUT_MS);
        }
      } catch (error) {
        this.log(`Stopping the server failed: ${String(error)}`);
      }
      try {
        await client.dispose(STOP_TIMEOUT_MS);
      } catch {
        // Already stopped; nothing left to release.
      }
    }
    const child = this.process?.child;
    if (child !== undefined && child.exitCode === null && child.signalCode === null) {
      child.kill();
    }
    this.process = undefined;
    this.setStatus('stopped');
  }

  private serverOptions(launch: ServerLaunch, cwd: string | undefined): ServerOptions {
    return async () => {
      const child = spawn(launch.command, launch.args, {
        cwd,
        env: { ...process.env, PYTHONUNBUFFERED: '1', ...launch.env },
        stdio: 'pipe',
        windowsHide: true,
      });
      const watched: ServerProcess = {
        child,
        stderr: '',
        exited: new Promise((resolve) => {
          child.once('exit', (code) => resolve(code));
          child.once('error', () => resolve(null));
        }),
      };
      child.on('error', (error: NodeJS.ErrnoException) => {
        watched.spawnErrorCode = error.code;
        this.log(`Could not run ${launch.command}: ${error.message}`);
      });
      child.stderr.on('data', (data: Buffer | string) => {
        watched.stderr = appendTail(watched.stderr, data.toString());
      });
      this.process = watched;
      return child;
    };
  }

  private clientOptions(settings: Settings, lifecycle: Lifecycle, restricted: boolean): LanguageClientOptions {
    const restarts: number[] = [];
    const errorHandler: ErrorHandler = {
      error: (_error: Error, _message: Message | undefined, count: number | undefined): ErrorHandlerResult =>
        count !== undefined && count <= 3
          ? { action: ErrorAction.Continue }
          : { action: ErrorAction.Shutdown },
      closed: (): CloseHandlerResult => {
        if (!lifecycle.wasRunning || this.statusValue !== 'running') {
          // Never came up, or died while restarting: reported once, by doStart or as a crash.
          return { action: CloseAction.DoNotRestart, handled: true };
        }
        const now = Date.now();
        restarts.push(now);
        while (restarts.length > 0 && now - (restarts[0] ?? now) > RESTART_WINDOW_MS) {
          restarts.shift();
        }
        if (restarts.length <= MAX_RESTARTS) {
          this.log('The server exited unexpectedly: restarting it.');
          lifecycle.restartPending = true;
          return { action: CloseAction.Restart, handled: true };
        }
        // Reported when the client reaches the Stopped state.
        return { action: CloseAction.DoNotRestart, handled: true };
      },
    };
    return {
      documentSelector: [
        { scheme: 'file', language: 'python' },
        { scheme: 'untitled', language: 'python' },
      ],
      // The server registers its own file watchers (config files, canonical modules).
      synchronize: { configurationSection: SECTION },
      initializationOptions: serverSettings(settings, restricted),
      middleware: restricted ? parsoOnlyMiddleware : {},
      outputChannel: this.output,
      traceOutputChannel: this.output,
      revealOutputChannelOn: 4 /* RevealOutputChannelOn.Never */,
      errorHandler,
      initializationFailedHandler: () => false,
    };
  }

  private async reportStartFailure(launch: ServerLaunch): Promise<void> {
    const watched = this.process;
    const exitCode = watched === undefined ? undefined : await withTimeout(watched.exited, 2000);
    const message = describeStartFailure({
      command: launch.command,
      setting: launch.kind === 'executable' ? `${SECTION}.path` : `${SECTION}.interpreter`,
      spawnErrorCode: watched?.spawnErrorCode,
      exitCode,
      stderr: watched?.stderr ?? '',
    });
    this.log(message);
    // Not awaited: the notification stays until dismissed, and restarts must not wait for it.
    void this.notify(message, 'error');
  }

  private async reportCrash(): Promise<void> {
    const tail = (this.process?.stderr ?? '').trim().split(/\r?\n/).pop() ?? '';
    const message =
      `SSOT: the language server stopped unexpectedly and is not restarted automatically` +
      `${tail ? `: ${tail}` : '.'} Use "SSOT: Restart Server" to try again.`;
    this.log(message);
    void this.notify(message, 'error');
  }

  /** Pops the message up when `ssot.showNotifications` allows its severity (it is logged anyway). */
  private async notify(message: string, severity: Severity): Promise<void> {
    const level = readSettings(vscode.workspace.getConfiguration(SECTION), vscode.workspace.isTrusted).showNotifications;
    if (!shouldNotify(level, severity)) {
      return;
    }
    const openSettings = 'Open Settings';
    const showOutput = 'Show Output';
    const show =
      severity === 'error'
        ? vscode.window.showErrorMessage
        : severity === 'warning'
          ? vscode.window.showWarningMessage
          : vscode.window.showInformationMessage;
    const choice = await show(message, openSettings, showOutput);
    if (choice === openSettings) {
      await vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.interpreter`);
    } else if (choice === showOutput) {
      this.output.show(true);
    }
  }

  private logIgnoredWorkspaceSettings(config: vscode.WorkspaceConfiguration): void {
    for (const key of RESTRICTED_KEYS) {
      const inspected = config.inspect<unknown>(key);
      const trustedValue = effectiveValue(inspected, false);
      if (JSON.stringify(trustedValue) !== JSON.stringify(effectiveValue(inspected, true))) {
        this.log(
          `Restricted mode: ignoring the workspace's value of "${SECTION}.${key}". ` +
            'Trust the workspace to use it.',
        );
      }
    }
  }
}

function describeServer(launch: ServerLaunch): string {
  if (launch.kind === 'executable') {
    return 'the ssot.path setting';
  }
  const from =
    launch.source === 'setting'
      ? 'the ssot.interpreter setting'
      : launch.source === 'python-extension'
        ? 'the Python extension'
        : `the default, ${launch.command} on PATH`;
  return launch.kind === 'bundled'
    ? `the bundled ssot-lsp with Python ${launch.pythonVersion ?? '?'}, interpreter from ${from}`
    : `the ssot-lsp installed for the interpreter from ${from}`;
}

/** In a restricted workspace the server analyses with parso only, whatever the workspace sets. */
const parsoOnlyMiddleware: Middleware = {
  workspace: {
    configuration: async (params, token, next) => {
      const result = await next(params, token);
      if (!Array.isArray(result)) {
        return result;
      }
      return result.map((item: unknown, index: number) =>
        params.items[index]?.section === SECTION && item !== null && typeof item === 'object'
          ? { ...(item as Record<string, unknown>), jediCompletion: false }
          : item,
      );
    },
  },
};

/** The promise's value, or undefined when it takes longer than `ms`. */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      () => {
        clearTimeout(timer);
        resolve(undefined);
      },
    );
  });
}
