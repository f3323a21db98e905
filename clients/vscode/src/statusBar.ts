/**
 * The status bar item: the compliance score ("SSOT 87.5%") while the server runs, refreshed
 * when the server starts and, debounced, when diagnostics change; a click opens the report.
 */
import * as vscode from 'vscode';
import { debounce } from './debounce';
import { REPORT_REQUEST, parseReport, statusText, statusTooltip, type ComplianceReport } from './report';
import type { ServerStatus, SsotServer } from './server';

const REFRESH_DELAY_MS = 1500;

export class ComplianceStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly refreshSoon = debounce(() => void this.refresh(), REFRESH_DELAY_MS);
  /** Drops answers that arrive after a newer request was sent. */
  private generation = 0;
  private reportValue: ComplianceReport | undefined;

  constructor(private readonly server: SsotServer) {
    this.item = vscode.window.createStatusBarItem('ssot.compliance', vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'SSOT Compliance';
    this.disposables.push(
      this.item,
      server.onDidChangeStatus((status) => this.onStatus(status)),
      vscode.languages.onDidChangeDiagnostics((event) => {
        if (event.uris.some(isRelevant)) {
          this.refreshSoon();
        }
      }),
      // A fix that removes the last violation changes no diagnostics after the save,
      // but the report counts the saved files.
      vscode.workspace.onDidSaveTextDocument((document) => {
        if (isRelevant(document.uri)) {
          this.refreshSoon();
        }
      }),
    );
    this.onStatus(server.status);
  }

  /** The last report the server sent, if any. */
  get report(): ComplianceReport | undefined {
    return this.reportValue;
  }

  dispose(): void {
    this.refreshSoon.cancel();
    for (const disposable of this.disposables) {
      disposable.dispose();
    }
  }

  private onStatus(status: ServerStatus): void {
    switch (status) {
      case 'starting':
        this.show('$(sync~spin) SSOT', 'The SSOT language server is starting.', 'ssot.showOutput');
        break;
      case 'running':
        this.show(statusText(this.reportValue), statusTooltip(this.reportValue), 'ssot.showComplianceReport');
        this.refreshSoon.cancel();
        void this.refresh();
        break;
      case 'failed':
        this.show(
          '$(error) SSOT',
          'The SSOT language server is not running. Click to show its output.',
          'ssot.showOutput',
        );
        break;
      default:
        this.item.hide();
    }
  }

  private show(text: string, tooltip: string, command: string): void {
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.command = command;
    this.item.show();
  }

  /** Shows a report fetched elsewhere (the report view), so both agree. */
  update(report: ComplianceReport | undefined): void {
    this.generation++;
    this.reportValue = report;
    if (this.server.status === 'running') {
      this.show(statusText(report), statusTooltip(report), 'ssot.showComplianceReport');
    }
  }

  /** Asks the server for the report and shows its score. */
  async refresh(): Promise<ComplianceReport | undefined> {
    const client = this.server.runningClient;
    if (client === undefined) {
      return undefined;
    }
    const generation = ++this.generation;
    try {
      const report = parseReport(await client.sendRequest(REPORT_REQUEST, {}));
      if (generation === this.generation) {
        this.update(report);
      }
      return report;
    } catch (error) {
      if (generation === this.generation && this.server.status === 'running') {
        this.show('SSOT', `SSOT: no compliance report (${errorMessage(error)}).`, 'ssot.showComplianceReport');
      }
      return undefined;
    }
  }
}

function isRelevant(uri: vscode.Uri): boolean {
  return /\.(py|pyi)$|(^|\/)(ssot|pyproject)\.toml$/.test(uri.path);
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
