import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  DEFAULT_WINDOW_STATE,
  loadWindowState,
  placeOnScreen,
  saveWindowState,
} from '../../electron/main/window-state.js';

const folder = mkdtempSync(join(tmpdir(), 'xssab-window-state-'));
after(() => rmSync(folder, { recursive: true, force: true }));

test('window state survives a save and load', () => {
  const file = join(folder, 'nested', 'window-state.json');
  const state = { x: 40, y: 30, width: 1500, height: 1000, maximized: true };
  saveWindowState(file, state);
  assert.deepEqual(loadWindowState(file), state);
});

test('a missing, corrupt or implausible file gives the default state', () => {
  assert.deepEqual(loadWindowState(join(folder, 'absent.json')), DEFAULT_WINDOW_STATE);
  const corrupt = join(folder, 'corrupt.json');
  writeFileSync(corrupt, '{"width": ');
  assert.deepEqual(loadWindowState(corrupt), DEFAULT_WINDOW_STATE);
  const tiny = join(folder, 'tiny.json');
  writeFileSync(tiny, JSON.stringify({ width: 3, height: 2, maximized: false }));
  assert.deepEqual(loadWindowState(tiny), DEFAULT_WINDOW_STATE);
});

test('a position on a display that is gone is dropped, the size kept', () => {
  const displays = [{ x: 0, y: 0, width: 1920, height: 1080 }];
  const onScreen = { x: 100, y: 100, width: 1200, height: 800, maximized: false };
  assert.deepEqual(placeOnScreen(onScreen, displays), onScreen);
  assert.deepEqual(placeOnScreen({ ...onScreen, x: 4000 }, displays), {
    width: 1200,
    height: 800,
    maximized: false,
  });
});
