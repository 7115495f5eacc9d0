import type { Migration } from './migration.js';

/**
 * Which face of each photo a pair compares: NULL for the largest detected face, else JSON
 * `{"face": n}` (index into the detected faces, largest first) or `{"landmarks": {...}}` (five
 * points the examiner placed, in photo pixels).
 */
export const pairFaceChoices: Migration = {
  version: 20,
  name: 'pair-face-choices',
  up(db) {
    db.exec(`
      ALTER TABLE pairs ADD COLUMN face_a_json TEXT CHECK (face_a_json IS NULL OR json_valid(face_a_json));
      ALTER TABLE pairs ADD COLUMN face_b_json TEXT CHECK (face_b_json IS NULL OR json_valid(face_b_json));
    `);
  },
};
