import assert from 'node:assert/strict';
import BetterSqlite3 from 'better-sqlite3';
import { test } from 'node:test';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { openWorkspace } from '../../electron/node/services/workspace.js';
import { chainHead } from '../../electron/node/store/audit-events.js';
import {
  loadOrCreateWorkstationKey,
  readCheckpoint,
  signCheckpoint,
  writeCheckpoint,
} from '../../electron/node/store/checkpoint.js';
import { databasePath } from '../../electron/node/store/data-folder.js';
import { BOUND_TABLE_NAMES } from '../../electron/node/store/row-binding.js';
import { temporaryWorkspace } from './helpers.js';

function workspaceWithHistory() {
  const workspace = temporaryWorkspace('xssab-audit-');
  const first = workspace.cases.create({ caseNumber: 'A-1', title: 'First' }, 'alice');
  const second = workspace.cases.create({ caseNumber: 'A-2', title: 'Second' }, 'bob');
  workspace.cases.update(first.id, { status: 'in_review', notes: 'look at ears' }, 'alice');
  workspace.cases.update(second.id, { title: 'Second, renamed' }, 'bob');
  return { workspace, first, second };
}

/**
 * Runs one statement on the database file by hand, through a raw connection as someone editing it
 * would, after dropping the trigger that would refuse it.
 */
function editByHand(dataDir: string, trigger: string, statement: string) {
  const raw = new BetterSqlite3(databasePath(dataDir));
  raw.exec(`DROP TRIGGER ${trigger}`);
  raw.prepare(statement).run();
  raw.close();
}

test('every mutation leaves a linked event and the chain verifies', () => {
  const { workspace, first } = workspaceWithHistory();
  try {
    const events = workspace.audit.listForCase(first.id);
    assert.deepEqual(
      events.map((e) => [e.action, e.actor]),
      [
        ['case.create', 'alice'],
        ['case.update', 'alice'],
      ],
    );
    const { rows, ...details } = events[1].details;
    assert.deepEqual(details, {
      changes: { notes: { from: '', to: 'look at ears' }, status: { from: 'open', to: 'in_review' } },
    });
    assert.deepEqual(
      (rows as { table: string; id: number; sha256: string }[]).map(({ table, id }) => [table, id]),
      [['cases', first.id]],
      'the update event binds the case row as changed',
    );
    const verification = workspace.audit.verify(first.id);
    assert.equal(verification.ok, true);
    assert.equal(verification.checkedEvents, 4);
    assert.equal(verification.caseEvents, 2);
    assert.equal(verification.rowsChecked, 2);
    assert.deepEqual(verification.problems, []);
    assert.equal(verification.firstBroken, null);
    assert.match(verification.headHash, /^[0-9a-f]{64}$/);
  } finally {
    workspace.dispose();
  }
});

test('the triggers forbid UPDATE and DELETE on audit_events', () => {
  const { workspace } = workspaceWithHistory();
  try {
    assert.throws(
      () => workspace.db.prepare("UPDATE audit_events SET actor = 'mallory'").run(),
      /append-only: UPDATE/,
    );
    assert.throws(
      () => workspace.db.prepare('DELETE FROM audit_events WHERE seq = 2').run(),
      /append-only: DELETE/,
    );
  } finally {
    workspace.dispose();
  }
});

test('an edited event is detected, even with the triggers dropped', () => {
  const { workspace } = workspaceWithHistory();
  try {
    editByHand(
      workspace.dataDir,
      'audit_events_no_update',
      "UPDATE audit_events SET actor = 'mallory' WHERE seq = 2",
    );
    const verification = workspace.audit.verify();
    assert.equal(verification.ok, false);
    assert.equal(verification.firstBroken?.seq, 2);
    assert.match(verification.firstBroken!.reason, /modified after it was recorded/);
  } finally {
    workspace.dispose();
  }
});

test('an edit with a recomputed hash is caught at the next link', () => {
  const { workspace } = workspaceWithHistory();
  try {
    editByHand(
      workspace.dataDir,
      'audit_events_no_update',
      `UPDATE audit_events SET hash = '${'0'.repeat(64)}' WHERE seq = 3`,
    );
    const broken = workspace.audit.verify().firstBroken;
    assert.equal(broken?.seq, 3);
  } finally {
    workspace.dispose();
  }
});

test('a deleted event is detected', () => {
  const { workspace, first } = workspaceWithHistory();
  try {
    editByHand(workspace.dataDir, 'audit_events_no_delete', 'DELETE FROM audit_events WHERE seq = 2');
    const verification = workspace.audit.verify(first.id);
    assert.equal(verification.ok, false);
    assert.equal(verification.firstBroken?.seq, 3);
    assert.match(verification.firstBroken!.reason, /expected event 2 next, found 3: events were deleted/);
  } finally {
    workspace.dispose();
  }
});

test('a store from before rows were bound is bound once, on first use, and later insertions are still caught', () => {
  const { workspace } = workspaceWithHistory();
  const { dataDir } = workspace;
  try {
    workspace.close();
    // What an older version leaves: rows without bindings, no workstation key, no checkpoint.
    rmSync(join(dataDir, 'keys'), { recursive: true });
    rmSync(join(dataDir, 'checkpoints'), { recursive: true });
    const raw = new BetterSqlite3(databasePath(dataDir));
    raw
      .prepare(
        `INSERT INTO cases (id, case_number, title, created_at, updated_at)
         VALUES (50, 'LEGACY-1', 'Recorded by an older version', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z')`,
      )
      .run();
    raw.close();

    const upgraded = openWorkspace({ dataDir, actor: 'upgrader' });
    try {
      const verification = upgraded.audit.verify();
      assert.deepEqual(verification.problems, []);
      const bind = upgraded.db
        .prepare("SELECT actor, details_json FROM audit_events WHERE action = 'store.bind'")
        .all() as {
        actor: string;
        details_json: string;
      }[];
      assert.equal(bind.length, 1);
      assert.equal(bind[0].actor, 'upgrader');
      assert.deepEqual(
        (JSON.parse(bind[0].details_json) as { rows: { table: string; id: number }[] }).rows.map((r) => [
          r.table,
          r.id,
        ]),
        [['cases', 50]],
      );
      upgraded.db
        .prepare(
          `INSERT INTO cases (id, case_number, title, created_at, updated_at)
           VALUES (51, 'FORGED-1', 'Inserted later', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z')`,
        )
        .run();
    } finally {
      upgraded.close();
    }
    const reopened = openWorkspace({ dataDir, actor: 'upgrader' });
    try {
      assert.deepEqual(
        reopened.audit.verify().problems.map((p) => [p.table, p.id]),
        [['cases', 51]],
      );
    } finally {
      reopened.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('rows of tables bound after the checkpoint was signed are bound once; later insertions are still caught', () => {
  const { workspace } = workspaceWithHistory();
  const { dataDir } = workspace;
  const sha = (digit: string) => digit.repeat(64);
  try {
    workspace.close();
    // What the version before calibration records were bound leaves: a calibration set, its score
    // and a calibration without events, and a checkpoint that names no bound tables.
    const raw = new BetterSqlite3(databasePath(dataDir));
    raw
      .prepare(
        `INSERT INTO calibration_sets (id, name, model_id, model_sha256, set_sha256, pairs_source, root,
           created_at, created_by) VALUES (1, 'lab set', 'dlib-resnet34', ?, ?, 'pairs.csv', 'photos', 'then', 'lab')`,
      )
      .run(sha('a'), sha('b'));
    raw
      .prepare(
        `INSERT INTO calibration_scores (set_id, position, a, b, a_sha256, b_sha256, same_source, score)
         VALUES (1, 0, 'a.jpg', 'b.jpg', ?, ?, 1, 0.5)`,
      )
      .run(sha('c'), sha('d'));
    raw.exec(`INSERT INTO lr_calibrations (id, set_id, method, folds, calibrator_json, validation_json,
                created_at, created_by) VALUES (1, 1, 'logistic', 2, '{}', '{}', 'then', 'lab')`);
    const head = chainHead(raw)!;
    raw.close();
    writeCheckpoint(
      dataDir,
      signCheckpoint({ length: head.seq, headHash: head.hash }, loadOrCreateWorkstationKey(dataDir)),
    );

    const upgraded = openWorkspace({ dataDir, actor: 'upgrader' });
    try {
      assert.deepEqual(upgraded.audit.verify().problems, []);
      const bind = upgraded.db
        .prepare("SELECT actor, details_json FROM audit_events WHERE action = 'store.bind'")
        .all() as { actor: string; details_json: string }[];
      assert.equal(bind.length, 1);
      assert.equal(bind[0].actor, 'upgrader');
      const details = JSON.parse(bind[0].details_json) as { rows: { table: string; id: number }[] };
      assert.deepEqual(
        details.rows.map((r) => [r.table, r.id]),
        [
          ['calibration_sets', 1],
          ['lr_calibrations', 1],
        ],
      );
      const checkpoint = readCheckpoint(dataDir);
      assert.ok(checkpoint && 'boundTables' in checkpoint);
      assert.deepEqual(checkpoint.boundTables, BOUND_TABLE_NAMES);
      upgraded.db.exec(`INSERT INTO lr_evaluations (id, calibration_id, set_id, validation_json, created_at,
                          created_by) VALUES (7, 1, 1, '{}', 'later', 'forger')`);
    } finally {
      upgraded.close();
    }
    const reopened = openWorkspace({ dataDir, actor: 'upgrader' });
    try {
      assert.deepEqual(
        reopened.audit.verify().problems.map((p) => [p.table, p.id, p.caseId]),
        [['lr_evaluations', 7, null]],
      );
      assert.equal(
        reopened.db.prepare("SELECT count(*) FROM audit_events WHERE action = 'store.bind'").pluck().get(),
        1,
      );
    } finally {
      reopened.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
