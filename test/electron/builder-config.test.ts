import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import sharp from 'sharp';

const require = createRequire(import.meta.url);

test('build/electron-builder.yml passes electron-builder’s own schema and unpacks the native modules', async () => {
  interface BuilderConfig {
    directories: { output: string };
    files: string[];
    asarUnpack: string[];
    linux: { target: string[] };
    win: { target: string[] };
  }

  const yaml = require('js-yaml') as { load(text: string): unknown };
  const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
    validateConfiguration(config: unknown, logger: unknown): Promise<void>;
  };
  const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
  const config = yaml.load(readFileSync('build/electron-builder.yml', 'utf8')) as BuilderConfig;
  await validateConfiguration(config, new DebugLogger(false));
  assert.equal(config.directories.output, 'release');
  for (const unpacked of ['better-sqlite3', 'onnxruntime-node/bin', 'sharp', '@img']) {
    assert.ok(
      config.asarUnpack.some((pattern) => pattern.startsWith(`node_modules/${unpacked}/`)),
      `${unpacked} must be unpacked from the asar`,
    );
  }
  for (const folder of [
    'native-models/models',
    'native-models/manifests',
    'native-models/registry/calibrations',
    'native-models/registry/validations',
  ]) {
    assert.ok(
      config.files.includes(`${folder}/**`),
      `${folder} must be packaged: the registry reads it at run time`,
    );
  }
  assert.deepEqual(config.linux.target, ['AppImage', 'deb']);
  assert.deepEqual(config.win.target, ['nsis']);
});

test('the icon is a 512×512 PNG', async () => {
  const metadata = await sharp('build/icons/512x512.png').metadata();
  assert.deepEqual([metadata.format, metadata.width, metadata.height], ['png', 512, 512]);
});
