import type { Database } from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import { openDatabase } from '../store/database.js';
import { databasePath } from '../store/data-folder.js';
import { AuditService } from './audit-service.js';
import { BenchmarkService } from './benchmark-service.js';
import { CaseService } from './case-service.js';
import { ComparisonService } from './comparison-service.js';
import { FaceService } from './face-service.js';
import { EventHub } from './event-hub.js';
import { EvidenceService } from './evidence-service.js';
import { ReportService } from './report-service.js';

/** Everything the backend needs for one data folder: database, services, event hub. */
export interface Workspace {
  readonly dataDir: string;
  readonly db: Database;
  /** Recorded as actor when a call names none. */
  readonly defaultActor: string;
  readonly audit: AuditService;
  readonly cases: CaseService;
  readonly evidence: EvidenceService;
  readonly events: EventHub;
  readonly benchmarks: BenchmarkService;
  /** Pairs, xSSAB analyses and decisions. */
  readonly comparisons: ComparisonService;
  readonly faces: FaceService;
  /** Case reports (PDF). */
  readonly reports: ReportService;
  close(): void;
}

export interface WorkspaceOptions {
  dataDir: string;
  /** Defaults to the operating-system user name. */
  actor?: string;
}

export function osUserName(): string {
  try {
    return userInfo().username || 'unknown';
  } catch {
    // userInfo throws when the uid has no passwd entry (e.g. some containers).
    return process.env.USER || process.env.USERNAME || 'unknown';
  }
}

export function openWorkspace(options: WorkspaceOptions): Workspace {
  mkdirSync(options.dataDir, { recursive: true });
  const db = openDatabase(databasePath(options.dataDir));
  const audit = new AuditService(db);
  const cases = new CaseService(db, audit);
  const evidence = new EvidenceService(db, options.dataDir, cases, audit);
  const events = new EventHub();
  const benchmarks = new BenchmarkService(db, options.dataDir, events);
  const comparisons = new ComparisonService(db, options.dataDir, cases, evidence, audit, events);
  const faces = new FaceService(options.dataDir, evidence);
  const reports = new ReportService(db, options.dataDir, cases, evidence, comparisons, audit);
  return {
    dataDir: options.dataDir,
    db,
    defaultActor: options.actor ?? osUserName(),
    audit,
    cases,
    evidence,
    events,
    benchmarks,
    comparisons,
    faces,
    reports,
    close: () => {
      benchmarks.close();
      comparisons.close();
      faces.close();
      db.close();
    },
  };
}
