import type { Database } from 'better-sqlite3';
import sharp from 'sharp';
import exifReader from 'exif-reader';
import {
  MAX_EVIDENCE_BYTES,
  type EvidenceIntegrity,
  type EvidenceItem,
  type EvidenceRole,
} from '../../common/api.js';
import { evidenceRelativePath, resolveStoredPath } from '../store/data-folder.js';
import {
  findEvidence,
  findEvidenceInCase,
  insertEvidence,
  listEvidenceOfCase,
  setEvidenceRole,
} from '../store/evidence.js';
import type { AuditService } from './audit-service.js';
import type { CaseService } from './case-service.js';
import { checkFile, readVerified, sha256Of, writeOnce } from './content-files.js';
import { ConflictError, InvalidInputError, NotFoundError } from './errors.js';
import { sniffImageType } from './image-type.js';
import { errorMessage } from '../../common/error-message.js';

export interface EvidenceFile {
  caseId: number;
  /** Name of the original file, recorded as given. */
  fileName: string;
  bytes: Buffer;
}

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
    this.cases.assertUnlocked(file.caseId);
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
    try {
      // Decodes every pixel, strictly: a damaged photo could be neither compared nor reported.
      await sharp(file.bytes, { failOn: 'warning', sequentialRead: true }).stats();
    } catch (error) {
      throw new InvalidInputError(
        `${file.fileName} cannot be decoded without errors (${(error as Error).message}); a damaged ` +
          'photo is refused, since no comparison or report could use it',
        'dataBase64',
      );
    }
    const sha256 = sha256Of(file.bytes);
    const existing = this.findInCase(file.caseId, sha256);
    if (existing) {
      throw new ConflictError(
        `${file.fileName} is already evidence ${existing.id} of this case (imported as ${existing.originalName})`,
      );
    }
    const storedPath = evidenceRelativePath(sha256, mediaType);
    const path = resolveStoredPath(this.dataDir, storedPath);
    writeOnce(path, file.bytes, sha256, `stored evidence file ${path}`);

    // What the row records of the file; its audit event records the same.
    const recorded = {
      originalName: file.fileName,
      storedPath,
      sha256,
      byteSize: file.bytes.length,
      mediaType,
      width,
      height,
    };
    return this.audit.transaction(() => {
      this.cases.assertUnlocked(file.caseId);
      const item = this.get(
        insertEvidence(this.db, {
          caseId: file.caseId,
          ...recorded,
          importedAt: new Date().toISOString(),
          importedBy: actor,
        }),
      );
      const { id, caseId } = item;
      this.audit.append({
        actor,
        action: 'evidence.import',
        entityType: 'evidence',
        entityId: id,
        caseId,
        details: recorded,
        rows: [{ table: 'evidence_items', id }],
      });
      return item;
    });
  }

  list(caseId: number): EvidenceItem[] {
    this.cases.get(caseId);
    return listEvidenceOfCase(this.db, caseId);
  }

  get(id: number): EvidenceItem {
    const item = findEvidence(this.db, id);
    if (!item) throw new NotFoundError(`evidence ${id} does not exist`);
    return item;
  }

  /** The stored file's bytes, after checking they still hash to the recorded SHA-256. */
  readContent(id: number): { item: EvidenceItem; bytes: Buffer } {
    const item = this.get(id);
    const path = resolveStoredPath(this.dataDir, item.storedPath);
    return { item, bytes: readVerified(path, item.sha256, `stored file of evidence ${id}`) };
  }

  /** Re-hashes the stored file of every evidence item of the case. */
  verifyCase(caseId: number): EvidenceIntegrity[] {
    return this.list(caseId).map((item) => ({
      evidenceId: item.id,
      state: checkFile(resolveStoredPath(this.dataDir, item.storedPath), item.sha256),
      checkedAt: new Date().toISOString(),
    }));
  }

  /** Marks the item as questioned or reference material (null: not set). */
  setRole(id: number, role: EvidenceRole | null, actor: string): EvidenceItem {
    const item = this.get(id);
    return this.audit.transaction(() => {
      this.cases.assertUnlocked(item.caseId);
      setEvidenceRole(this.db, id, role);
      this.audit.append({
        actor,
        action: 'evidence.role',
        entityType: 'evidence',
        entityId: id,
        caseId: item.caseId,
        details: { role, previous: item.role },
        rows: [{ table: 'evidence_items', id }],
      });
      return this.get(id);
    });
  }

  /** The stored file's own description of itself (after re-hashing it), EXIF tags as text. */
  async metadata(id: number) {
    const { bytes } = this.readContent(id);
    const meta = await sharp(bytes).metadata();
    return {
      format: meta.format,
      width: meta.width,
      height: meta.height,
      space: meta.space ?? null,
      channels: meta.channels,
      depth: meta.depth ?? null,
      density: meta.density ?? null,
      orientation: meta.orientation ?? null,
      hasIccProfile: meta.hasProfile ?? false,
      exif: meta.exif ? exifTags(meta.exif) : [],
    };
  }

  private findInCase(caseId: number, sha256: string): EvidenceItem | null {
    return findEvidenceInCase(this.db, caseId, sha256);
  }
}

/** EXIF tags by group, each value as text; unreadable EXIF gives one line saying so. */
function exifTags(exif: Buffer): { group: string; tag: string; value: string }[] {
  let parsed: ReturnType<typeof exifReader>;
  try {
    parsed = exifReader(exif);
  } catch (error) {
    return [{ group: 'EXIF', tag: 'unreadable', value: errorMessage(error) }];
  }
  const tags: { group: string; tag: string; value: string }[] = [];
  for (const [group, values] of Object.entries(parsed)) {
    if (typeof values !== 'object' || values === null) continue;
    for (const [tag, value] of Object.entries(values as Record<string, unknown>)) {
      tags.push({ group, tag, value: exifValue(value) });
    }
  }
  return tags;
}

function exifValue(value: unknown): string {
  if (value instanceof Date) return value.toISOString().replace('.000Z', 'Z');
  if (Buffer.isBuffer(value)) return `${value.length} bytes of binary data`;
  if (Array.isArray(value)) return value.map(exifValue).join(', ');
  return String(value);
}
