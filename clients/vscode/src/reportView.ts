/**
 * "SSOT: Show Compliance Report": asks the server for the report (SPEC §7) and shows it in
 * a webview with scripts disabled and a CSP that allows nothing but the page's own style;
 * its links may run one command, `ssot.fixWorkspace` (a phase's "Fix this phase" button).
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { FIX_WORKSPACE, REPORT_REQUEST, parseReport, renderReportHtml } from './report';
import type { SsotServer } from './server';
import { errorMessage, type ComplianceStatusBar } from './statusBar';

export class ComplianceReportView implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;

  constructor(
    private readonly server: SsotServer,
    private readonly statusBar: ComplianceStatusBar,
  ) {}

  async show(): Promise<void> {
    const client = this.server.runningClient;
    if (client === undefined) {
      const restart = 'Restart Server';
      const choice = await vscode.window.showWarningMessage(
        'SSOT: the language server is not running, so there is no compliance report.',
        restart,
      );
      if (choice === restart) {
        await vscode.commands.executeCommand('ssot.restartServer');
      }
      return;
    }
    let raw: unknown;
    try {
      raw = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: 'SSOT: computing the compliance report' },
        () => client.sendRequest(REPORT_REQUEST, {}),
      );
    } catch (error) {
      void vscode.window.showErrorMessage(`SSOT: the compliance report failed: ${errorMessage(error)}`);
      return;
    }
    const report = parseReport(raw);
    if (report === undefined) {
      void vscode.window.showErrorMessage('SSOT: the server sent no compliance report.');
      return;
    }
    this.statusBar.update(report);
    const panel = this.reveal();
    panel.webview.html = renderReportHtml(report, {
      nonce: randomBytes(16).toString('base64'),
      generatedAt: new Date(),
    });
  }

  dispose(): void {
    this.panel?.dispose();
  }

  private reveal(): vscode.WebviewPanel {
    if (this.panel !== undefined) {
      this.panel.reveal();
      return this.panel;
    }
    const panel = vscode.window.createWebviewPanel(
      'ssot.complianceReport',
      'SSOT Compliance Report',
      vscode.ViewColumn.Active,
      { enableScripts: false, enableCommandUris: [FIX_WORKSPACE], localResourceRoots: [] },
    );
    panel.onDidDispose(() => {
      if (this.panel === panel) {
        this.panel = undefined;
      }
    });
    this.panel = panel;
    return panel;
  }
}
