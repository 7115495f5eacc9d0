/**
 * An embedding a score can be computed from: every value finite and a norm above zero. A model
 * that gives NaN, ∞ or all zeros would otherwise yield a NaN cosine, which compares false with
 * any threshold and reads as a silent "non-match".
 */
export class UnusableEmbeddingError extends Error {
  override name = 'UnusableEmbeddingError';
}

/** Throws UnusableEmbeddingError naming the model and the face unless `embedding` is usable. */
export function checkEmbedding(embedding: Float32Array, model: string, face: string): void {
  const bad = embedding.findIndex((value) => !Number.isFinite(value));
  if (bad >= 0) {
    throw new UnusableEmbeddingError(
      `model ${model} gave a non-finite embedding for ${face} (${embedding[bad]} at dimension ${bad} of ` +
        `${embedding.length}); no score or map can be computed from it`,
    );
  }
  let squares = 0;
  for (const value of embedding) squares += value * value;
  if (!(squares > 0) || !Number.isFinite(squares)) {
    throw new UnusableEmbeddingError(
      `model ${model} gave an embedding of ${squares === 0 ? 'zero' : 'overflowing'} norm for ${face} ` +
        `(${embedding.length} dimensions); no cosine score exists for it`,
    );
  }
}
