import Alert from '@mui/material/Alert';

/** What the benchmark measures, in one paragraph, for the list and the run pages. */
export function CurvesExplanation() {
  return (
    <Alert severity="info" variant="outlined" sx={{ mb: 2 }}>
      Patches from another face are pasted into image A of each pair so that the model decides wrongly. Each
      method then explains the patched pair, and patched A’s pixels are restored to the original in the order
      its map gives (best-worst) or in a random order. The curves show the error rates (FMR for impostor
      pairs, FNMR for genuine pairs) against the share of pixels restored: a best-worst curve that falls
      faster than random replacement (a smaller area under it) means the map points at the pixels that decide
      the comparison.
    </Alert>
  );
}
