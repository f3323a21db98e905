/**
 * `ssot.showNotifications`: which of the extension's messages pop up. Everything is logged to
 * the SSOT output channel whatever the setting.
 *
 * Pure: no `vscode` import.
 */
import type { NotificationLevel } from './settings';

export type Severity = 'error' | 'warning' | 'info';

const SHOWN: Record<NotificationLevel, readonly Severity[]> = {
  off: [],
  onError: ['error'],
  onWarning: ['error', 'warning'],
  always: ['error', 'warning', 'info'],
};

export function shouldNotify(level: NotificationLevel, severity: Severity): boolean {
  return SHOWN[level].includes(severity);
}
