import assert from 'node:assert/strict';
import { test } from 'node:test';
import { phaseNames } from '../src/phases';

test('phase names come from by_phase in order, malformed rows skipped', () => {
  const report = { by_phase: [{ name: 'golden' }, { name: 3 }, null, { name: 'rest' }] };
  assert.deepEqual(phaseNames(report), ['golden', 'rest']);
});

test('a report without phases has no names', () => {
  assert.deepEqual(phaseNames({ score: 50 }), []);
  assert.deepEqual(phaseNames(undefined), []);
});
