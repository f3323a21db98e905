import assert from 'node:assert/strict';
import { test } from 'node:test';
import { debounce } from '../src/debounce';

test('a burst of calls runs the action once, after the delay', async () => {
  let runs = 0;
  const refresh = debounce(() => runs++, 20);
  for (let i = 0; i < 5; i++) {
    refresh();
  }
  assert.equal(runs, 0);
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.equal(runs, 1);
});

test('cancel drops the pending call', async () => {
  let runs = 0;
  const refresh = debounce(() => runs++, 10);
  refresh();
  refresh.cancel();
  await new Promise((resolve) => setTimeout(resolve, 30));
  assert.equal(runs, 0);
});
