import { useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import ButtonBase from '@mui/material/ButtonBase';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Typography from '@mui/material/Typography';
import type { BenchmarkSample } from '../../../electron/common/api.js';
import { BenchmarkImage } from './BenchmarkImage.js';
import { sampleImageAlt, sampleImageCaptions } from './labels.js';

const pairTitle = (sample: BenchmarkSample) =>
  `Pair ${sample.pairIndex}: ${sample.same ? 'genuine' : 'impostor'}`;

/** Sample patched pairs as buttons (patched A and B); each opens the pair with every method's map. */
export function SamplePairs({ runId, samples }: { runId: number; samples: BenchmarkSample[] }) {
  const [open, setOpen] = useState<BenchmarkSample | null>(null);
  return (
    <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 2, p: 2 }}>
      {samples.map((sample) => (
        <ButtonBase
          key={sample.pairIndex}
          onClick={() => setOpen(sample)}
          aria-label={`Open sample ${pairTitle(sample)}, ${sample.a} and ${sample.b}`}
          sx={{
            display: 'block',
            textAlign: 'left',
            p: 1,
            border: 1,
            borderColor: 'divider',
            borderRadius: 1,
            '&.Mui-focusVisible': { outline: 2, outlineColor: 'primary.main' },
          }}
        >
          <Box sx={{ display: 'flex', gap: 1 }}>
            {(['patched', 'partner'] as const).map((image) => (
              <BenchmarkImage
                key={image}
                runId={runId}
                pairIndex={sample.pairIndex}
                image={image}
                alt={sampleImageAlt(image, sample)}
                width={96}
              />
            ))}
          </Box>
          <Typography variant="body2" sx={{ fontWeight: 600, mt: 0.5 }}>
            {pairTitle(sample)}
          </Typography>
          <Typography variant="caption" color="text.secondary">
            score {sample.originalScore.toFixed(3)} → {sample.patchedScore.toFixed(3)} patched
          </Typography>
        </ButtonBase>
      ))}
      {open && <SampleDialog runId={runId} sample={open} onClose={() => setOpen(null)} />}
    </Box>
  );
}

function SampleDialog({
  runId,
  sample,
  onClose,
}: {
  runId: number;
  sample: BenchmarkSample;
  onClose: () => void;
}) {
  return (
    <Dialog open onClose={onClose} maxWidth="lg" fullWidth aria-labelledby="benchmark-sample-title">
      <DialogTitle id="benchmark-sample-title">{pairTitle(sample)}</DialogTitle>
      <DialogContent>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
          A: {sample.a} · B: {sample.b} · patches from {sample.source}. Cosine score{' '}
          {sample.originalScore.toFixed(3)} before patching, {sample.patchedScore.toFixed(3)} after. Each map
          explains patched A against B.
        </Typography>
        <Box sx={{ display: 'grid', gap: 2, gridTemplateColumns: 'repeat(auto-fill, minmax(224px, 1fr))' }}>
          {sample.images.map((image) => (
            <Box component="figure" key={image} sx={{ m: 0 }}>
              <BenchmarkImage
                runId={runId}
                pairIndex={sample.pairIndex}
                image={image}
                alt={sampleImageAlt(image, sample)}
                width={224}
              />
              <Typography component="figcaption" variant="caption" sx={{ display: 'block', mt: 0.5 }}>
                {sampleImageCaptions[image]}
              </Typography>
            </Box>
          ))}
        </Box>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}
