import ort from 'onnxruntime-node';
import { readFileSync } from 'node:fs';
const bytes = readFileSync('native-models/models/' + process.argv[2]);
const s = await ort.InferenceSession.create(bytes);
console.log('session', s.inputNames);
await new Promise(r => setTimeout(r, Number(process.argv[3] ?? 8000)));
await s.release();
console.log('done');
