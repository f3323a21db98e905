/**
 * "SSOT: Fix One Phase…": picks a phase of the compliance report and runs the server's
 * `ssot.fixWorkspace` command for it (SPEC §14). "SSOT: Fix Workspace" needs no code here:
 * the language client registers the server's commands, and package.json gives it a title.
 * The server answers with one workspace edit whose changes need confirmation, so VS Code
 * shows its refactor preview before anything changes.
 */
import * as vscode from 'vscode';
import { phaseNames } from './phases';
import { FIX_WORKSPACE, REPORT_REQUEST } from './report';
import type { SsotServer } from './server';
import { errorMessage } from './statusBar';

export async function fixOnePhase(server: SsotServer): Promise<void> {
  const client = server.runningClient;
  if (client === undefined) {
    void vscode.window.showWarningMessage('SSOT: the language server is not running.');
    return;
  }
  try {
    const names = phaseNames(await client.sendRequest(REPORT_REQUEST, {}));
    if (names.length <= 1) {
      void vscode.window.showInformationMessage('SSOT: no phases are declared ([[tool.ssot-lsp.phases]]).');
      return;
    }
    const phase = await vscode.window.showQuickPick(names, { placeHolder: 'Phase to fix' });
    if (phase !== undefined) {
      await vscode.commands.executeCommand(FIX_WORKSPACE, { phase });
    }
  } catch (error) {
    void vscode.window.showErrorMessage(`SSOT: fixing the phase failed: ${errorMessage(error)}`);
  }
}
