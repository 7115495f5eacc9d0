// Renders icon.svg to the 512×512 PNG electron-builder packs: node build/icons/render-icon.mjs
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const folder = dirname(fileURLToPath(import.meta.url));
await sharp(join(folder, 'icon.svg'), { density: 72 })
  .resize(512, 512)
  .png({ compressionLevel: 9 })
  .toFile(join(folder, '512x512.png'));
