import type { Database } from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import { openDatabase } from '../store/database.js';
import { loadOrCreateWorkstationKey } from '../store/checkpoint.js';
import { databasePath } from '../store/data-folder.js';
import { AccountService } from './account-service.js';
import { AuditService } from './audit-service.js';
import { ModelRegistry } from '../../../native-models/registry/registry.js';
import { BenchmarkService } from './benchmark-service.js';
import { CalibrationService } from './calibration-service.js';
import { CaseService } from './case-service.js';
import { ComparisonService } from './comparison-service.js';
import { DecisionService } from './decision-service.js';
import { FaceService } from './face-service.js';
import { EventHub } from './event-hub.js';
import { EvidenceService } from './evidence-service.js';
import { removeCrashLeftovers } from './leftovers.js';
import { ReportService } from './report-service.js';

/** Everything the backend needs for one data folder: database, services, event hub. */
export interface Workspace {
  readonly dataDir: string;
  readonly db: Database;
  /** Recorded as actor when a call names none. */
  readonly defaultActor: string;
  readonly audit: AuditService;
  /** Examiner accounts and their keys. */
  readonly accounts: AccountService;
  readonly cases: CaseService;
  readonly evidence: EvidenceService;
  readonly events: EventHub;
  readonly benchmarks: BenchmarkService;
  /** Pairs and their xSSAB analyses. */
  readonly comparisons: ComparisonService;
  /** Signed decisions on pairs: examination, blind verification, consultation, amendment. */
  readonly decisions: DecisionService;
  readonly faces: FaceService;
  /** Case reports (PDF). */
  readonly reports: ReportService;
  /** Calibration sets, score → LR calibrations and the LR of analyses. */
  readonly calibrations: CalibrationService;
  close(): void;
}

export interface WorkspaceOptions {
  dataDir: string;
  /** Defaults to the operating-system user name. */
  actor?: string;
}

function osUserName(): string {
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
  removeCrashLeftovers(options.dataDir, db);
  const workstationKey = loadOrCreateWorkstationKey(options.dataDir);
  const audit = new AuditService(db, options.dataDir, workstationKey);
  // A new workstation key vouches for the store as it finds it (first use); a stored checkpoint
  // is never replaced that way, so deleting the key does not hide a rewritten chain.
  if (workstationKey.created) audit.firstUse(options.actor ?? osUserName());
  // Rows of tables that the version which signed the checkpoint did not bind yet.
  audit.bindNewTables(options.actor ?? osUserName());
  const accounts = new AccountService(db, audit);
  const cases = new CaseService(db, audit);
  const evidence = new EvidenceService(db, options.dataDir, cases, audit);
  const events = new EventHub();
  const benchmarks = new BenchmarkService(db, options.dataDir, events);
  const faces = new FaceService(options.dataDir, evidence);
  const comparisons = new ComparisonService(db, options.dataDir, cases, evidence, faces, audit, events);
  const calibrations = new CalibrationService(
    db,
    new ModelRegistry({ dataDir: options.dataDir }),
    audit,
    cases,
  );
  const decisions = new DecisionService(db, cases, comparisons, audit);
  const reports = new ReportService(
    db,
    options.dataDir,
    cases,
    evidence,
    comparisons,
    audit,
    accounts,
    calibrations,
  );
  return {
    dataDir: options.dataDir,
    db,
    defaultActor: options.actor ?? osUserName(),
    audit,
    accounts,
    cases,
    evidence,
    events,
    benchmarks,
    comparisons,
    decisions,
    faces,
    reports,
    calibrations,
    close: () => {
      benchmarks.close();
      comparisons.close();
      faces.close();
      db.close();
    },
  };
}
