// Renders icon.svg to the 512×512 PNG electron-builder packs: node build/icons/render-icon.mjs
import sharp from 'sharp';

const folder = new URL('./', import.meta.url);
await sharp(new URL('icon.svg', folder).pathname, { density: 72 })
  .resize(512, 512)
  .png({ compressionLevel: 9 })
  .toFile(new URL('512x512.png', folder).pathname);
