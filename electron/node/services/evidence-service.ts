import type { Database } from 'better-sqlite3';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import sharp from 'sharp';
import { MAX_EVIDENCE_BYTES, type EvidenceItem } from '../../common/api.js';
import { evidenceRelativePath, resolveStoredPath } from '../store/data-folder.js';
import type { AuditService } from './audit-service.js';
import type { CaseService } from './case-service.js';
import { ConflictError, IntegrityError, InvalidInputError, NotFoundError } from './errors.js';
import { sniffImageType } from './image-type.js';
import { toEvidenceItem, type EvidenceRow } from './rows.js';

export interface EvidenceFile {
  caseId: number;
  /** Name of the original file, recorded as given. */
  fileName: string;
  bytes: Buffer;
}

const READ_ONLY = 0o444;

/**
 * Imports evidence images: each file is stored once under the data folder by its SHA-256, made
 * read-only, and never modified; the database records where it is and what it is.
 */
export class EvidenceService {
  constructor(
    private readonly db: Database,
    private readonly dataDir: string,
    private readonly cases: CaseService,
    private readonly audit: AuditService,
  ) {}

  async import(file: EvidenceFile, actor: string): Promise<EvidenceItem> {
    this.cases.get(file.caseId);
    if (file.bytes.length > MAX_EVIDENCE_BYTES) {
      throw new InvalidInputError(
        `${file.fileName} is ${(file.bytes.length / 1024 ** 2).toFixed(1)} MB; evidence files over ` +
          `${MAX_EVIDENCE_BYTES / 1024 ** 2} MB are refused`,
        'dataBase64',
      );
    }
    if (file.bytes.length === 0) throw new InvalidInputError(`${file.fileName} is empty`, 'dataBase64');
    const mediaType = sniffImageType(file.bytes);
    if (!mediaType) {
      throw new InvalidInputError(
        `${file.fileName} is not a JPEG, PNG, WebP or TIFF image (judged by its first bytes, not its name)`,
        'dataBase64',
      );
    }
    let width: number | null;
    let height: number | null;
    try {
      const metadata = await sharp(file.bytes).metadata();
      width = metadata.width ?? null;
      height = metadata.height ?? null;
    } catch (error) {
      throw new InvalidInputError(
        `${file.fileName} starts like ${mediaType} but cannot be read: ${(error as Error).message}`,
        'dataBase64',
      );
    }
    const sha256 = createHash('sha256').update(file.bytes).digest('hex');
    const existing = this.findInCase(file.caseId, sha256);
    if (existing) {
      throw new ConflictError(
        `${file.fileName} is already evidence ${existing.id} of this case (imported as ${existing.originalName})`,
      );
    }
    const storedPath = evidenceRelativePath(sha256, mediaType);
    this.storeOnce(resolveStoredPath(this.dataDir, storedPath), file.bytes, sha256);

    return this.db
      .transaction(() => {
        const { lastInsertRowid } = this.db
          .prepare(
            `INSERT INTO evidence_items
               (case_id, original_name, stored_path, sha256, byte_size, media_type, width, height, imported_at, imported_by)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            file.caseId,
            file.fileName,
            storedPath,
            sha256,
            file.bytes.length,
            mediaType,
            width,
            height,
            new Date().toISOString(),
            actor,
          );
        const item = this.get(Number(lastInsertRowid));
        const { id, caseId } = item;
        this.audit.append({
          actor,
          action: 'evidence.import',
          entityType: 'evidence',
          entityId: id,
          caseId,
          details: {
            originalName: file.fileName,
            storedPath,
            sha256,
            byteSize: file.bytes.length,
            mediaType,
            width,
            height,
          },
        });
        return item;
      })
      .immediate();
  }

  list(caseId: number): EvidenceItem[] {
    this.cases.get(caseId);
    const rows = this.db
      .prepare('SELECT * FROM evidence_items WHERE case_id = ? ORDER BY id')
      .all(caseId) as EvidenceRow[];
    return rows.map(toEvidenceItem);
  }

  get(id: number): EvidenceItem {
    const row = this.db.prepare('SELECT * FROM evidence_items WHERE id = ?').get(id) as
      EvidenceRow | undefined;
    if (!row) throw new NotFoundError(`evidence ${id} does not exist`);
    return toEvidenceItem(row);
  }

  /** The stored file's bytes, after checking they still hash to the recorded SHA-256. */
  readContent(id: number): { item: EvidenceItem; bytes: Buffer } {
    const item = this.get(id);
    const bytes = readFileSync(resolveStoredPath(this.dataDir, item.storedPath));
    if (createHash('sha256').update(bytes).digest('hex') !== item.sha256) {
      throw new IntegrityError(
        `stored file of evidence ${id} no longer matches its SHA-256: the data folder was altered`,
      );
    }
    return { item, bytes };
  }

  private findInCase(caseId: number, sha256: string): EvidenceItem | null {
    const row = this.db
      .prepare('SELECT * FROM evidence_items WHERE case_id = ? AND sha256 = ?')
      .get(caseId, sha256) as EvidenceRow | undefined;
    return row ? toEvidenceItem(row) : null;
  }

  /** Writes the content once (same bytes → same file); an existing file must still match its hash. */
  private storeOnce(path: string, bytes: Buffer, sha256: string): void {
    if (existsSync(path)) {
      const storedHash = createHash('sha256').update(readFileSync(path)).digest('hex');
      if (storedHash !== sha256) {
        throw new IntegrityError(
          `stored evidence file ${path} no longer matches its SHA-256: the data folder was altered`,
        );
      }
      return;
    }
    mkdirSync(dirname(path), { recursive: true });
    // Write beside the target and rename, so a crash never leaves a partial file under the final name.
    const temporary = `${path}.${randomBytes(6).toString('hex')}.partial`;
    try {
      writeFileSync(temporary, bytes, { flag: 'wx', mode: READ_ONLY });
      renameSync(temporary, path);
    } finally {
      rmSync(temporary, { force: true });
    }
    chmodSync(path, READ_ONLY);
  }
}
