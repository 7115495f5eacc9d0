/** Field schemas shared by every domain of the API contract. */
import { z } from 'zod';

export const id = z.int().positive();
export const isoTimestamp = z.string();
export const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hexadecimal characters');

export const requiredText = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
export const optionalText = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`);

/** Who performs a mutating call; defaults to the operating-system user when omitted. */
export const actorParam = requiredText(128).optional();

/** A path on the workstation running the backend. */
export const workstationPath = requiredText(4096);
