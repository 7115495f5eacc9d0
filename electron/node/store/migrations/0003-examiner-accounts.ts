import type { Migration } from './migration.js';

/**
 * Local examiner accounts. Each holds an Ed25519 key pair: the public key as is, the private key
 * encrypted (AES-256-GCM) under a key derived from the examiner's passphrase with scrypt; the
 * envelope records the parameters needed to open it.
 */
export const examinerAccounts: Migration = {
  version: 3,
  name: 'examiner-accounts',
  up(db) {
    db.exec(`
      CREATE TABLE accounts (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 128),
        -- The name folded for comparison (compatibility forms, case, spaces and punctuation):
        -- 'J. Doe', 'j doe' and 'Ｊ．ＤＯＥ' cannot be two accounts.
        name_key TEXT NOT NULL UNIQUE CHECK (length(name_key) > 0),
        initials TEXT NOT NULL CHECK (length(initials) BETWEEN 1 AND 8),
        role TEXT NOT NULL CHECK (role IN ('examiner', 'supervisor')),
        -- SPKI DER, base64.
        public_key TEXT NOT NULL UNIQUE,
        private_key_envelope TEXT NOT NULL CHECK (json_valid(private_key_envelope)),
        created_at TEXT NOT NULL,
        created_by INTEGER REFERENCES accounts(id)
      );
    `);
  },
};
