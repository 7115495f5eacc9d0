import { Engine } from './native-models/xssab/engine.js';
import { syntheticFace } from './native-models/xssab/preprocess.js';
const pre = { size: { width: 112, height: 112 }, mean: 127.5, std: 127.5, color: 'rgb', layout: 'nchw' } as const;
const a = syntheticFace(pre, 1), b = syntheticFace(pre, 2);
const t0 = performance.now();
const engine = await Engine.create({ model: '/tmp/xssab-iresnet50.onnx', preprocessing: pre, threshold: 0.3, threads: 2, cacheDir: '/tmp/xssab-cache' });
console.log('create ms', (performance.now() - t0).toFixed(0), 'rss', (process.memoryUsage().rss / 2 ** 20).toFixed(0));
const med = (x: number[]) => x.sort((p, q) => p - q)[x.length >> 1];
const f: number[] = [], e: number[] = [];
for (let i = 0; i < 6; i++) {
  const { runMs } = await engine.embed([a, b]);
  const [r] = await engine.explain([{ a, b }]);
  if (i) { f.push(runMs); e.push(r.timings.runMs); }
}
console.log('forward', med(f).toFixed(1), 'explain', med(e).toFixed(1), 'ratio', (med(e) / med(f)).toFixed(3), 'maxRSS MB', (process.resourceUsage().maxRSS / 1024).toFixed(0), process.argv[2] ?? '');
