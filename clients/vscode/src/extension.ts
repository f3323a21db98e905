/** Activation of the SSOT import registry extension: wires the pieces together (SPEC §9). */
import * as vscode from 'vscode';
import { fixOnePhase } from './fixWorkspace';
import { ComplianceReportView } from './reportView';
import { SsotServer } from './server';
import { ComplianceStatusBar } from './statusBar';

let server: SsotServer | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('SSOT');
  server = new SsotServer(output, SsotServer.bundledLibsOf(context.extensionPath));
  const statusBar = new ComplianceStatusBar(server);
  const reportView = new ComplianceReportView(server, statusBar);
  const running = server;
  context.subscriptions.push(
    output,
    server,
    statusBar,
    reportView,
    vscode.commands.registerCommand('ssot.restartServer', () => running.restart()),
    vscode.commands.registerCommand('ssot.showComplianceReport', () => reportView.show()),
    vscode.commands.registerCommand('ssot.showOutput', () => output.show(true)),
    vscode.commands.registerCommand('ssot.fixPhase', () => fixOnePhase(running)),
  );
  server.watchConfiguration();
  // Not awaited: activation finishes at once; failures are reported by the server object.
  void server.start();
}

export async function deactivate(): Promise<void> {
  await server?.stop();
  server = undefined;
}
