import assert from 'node:assert/strict';
import { test } from 'node:test';
import { shouldNotify } from '../src/notifications';

test('ssot.showNotifications decides which severities pop up', () => {
  const shown = (level: Parameters<typeof shouldNotify>[0]) =>
    (['error', 'warning', 'info'] as const).filter((severity) => shouldNotify(level, severity));
  assert.deepEqual(shown('off'), []);
  assert.deepEqual(shown('onError'), ['error']);
  assert.deepEqual(shown('onWarning'), ['error', 'warning']);
  assert.deepEqual(shown('always'), ['error', 'warning', 'info']);
});
