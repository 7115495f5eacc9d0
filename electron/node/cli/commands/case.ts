/**
 * `xssab case create|list|show|reopen`: the case register from the command line, through the same API
 * handler (validation, audit, errors) as the app.
 */
import { parseArgs } from 'node:util';
import {
  CASE_SORT_FIELDS,
  CASE_STATUSES,
  type ApiMethod,
  type ApiParams,
  type ApiResult,
  type Case,
  type CaseDetail,
} from '../../../common/api.js';
import { createApiHandler } from '../../api/handler.js';
import { openWorkspace } from '../../services/workspace.js';
import { CliUsageError, type CliCommand, type CliIo } from '../command.js';
import { printResult } from '../options.js';
import { PASSPHRASE_ENV, readPassphrase } from '../passphrase.js';

/** A failed API call; the dispatcher prints its message and exits 1. */
class CaseCommandError extends Error {
  override name = 'CaseCommandError';
}

/**
 * Calls the API in-process on the data folder. A VALIDATION error is the user's (exit 2) and names
 * the offending options, `optionNames` mapping API fields to them.
 */
export async function callApi<M extends ApiMethod>(
  io: CliIo,
  method: M,
  params: ApiParams<M>,
  optionNames: Record<string, string> = {},
  /** The account to sign in as first (`--account NAME`); its passphrase is read by readPassphrase. */
  account?: string,
): Promise<ApiResult<M>> {
  const passphrase =
    account === undefined ? undefined : await readPassphrase(PASSPHRASE_ENV, `Passphrase of ${account}: `);
  const workspace = openWorkspace({ dataDir: io.dataDir });
  try {
    const handler = createApiHandler(workspace, { transport: 'cli' });
    if (account !== undefined) {
      const signedIn = await handler.handle('accounts.signIn', { name: account, passphrase });
      if (!signedIn.ok) throw new CaseCommandError(`--account ${account}: ${signedIn.error.message}`);
    }
    const outcome = await handler.handle(method, params);
    if (outcome.ok) return outcome.result as ApiResult<M>;
    const { code, message, issues } = outcome.error;
    if (code !== 'VALIDATION') throw new CaseCommandError(message);
    if (!issues) throw new CliUsageError(message);
    throw new CliUsageError(
      issues.map((issue) => `${optionNames[issue.path] ?? issue.path}: ${issue.message}`).join('\n'),
    );
  } finally {
    workspace.close();
  }
}

const CREATE_OPTIONS: Record<string, string> = {
  caseNumber: '--number',
  title: '--title',
  requestingAgency: '--agency',
  examiner: '--examiner',
  notes: '--notes',
  status: '--status',
  actor: '--actor',
};

function describeCase(found: Case): string {
  return `case ${found.id}: ${found.caseNumber} — ${found.title} (${found.status})`;
}

const caseCreateCommand: CliCommand = {
  path: ['case', 'create'],
  summary: 'Open a new case',
  usage:
    'xssab case create --number NUMBER --title TITLE [--agency AGENCY] [--examiner NAME] ' +
    `[--status ${CASE_STATUSES.join('|')}] [--notes TEXT] [--actor NAME] [--json]`,
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        number: { type: 'string' },
        title: { type: 'string' },
        agency: { type: 'string' },
        examiner: { type: 'string' },
        status: { type: 'string' },
        notes: { type: 'string' },
        actor: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
    if (values.number === undefined) throw new CliUsageError('--number is required');
    if (values.title === undefined) throw new CliUsageError('--title is required');
    const created = await callApi(
      io,
      'cases.create',
      {
        caseNumber: values.number,
        title: values.title,
        requestingAgency: values.agency,
        examiner: values.examiner,
        status: values.status as Case['status'] | undefined,
        notes: values.notes,
        actor: values.actor,
      },
      CREATE_OPTIONS,
    );
    printResult(io, values.json, created, () => `Created ${describeCase(created)}`);
    return 0;
  },
};

const caseListCommand: CliCommand = {
  path: ['case', 'list'],
  summary: 'List cases, newest change first',
  usage: `xssab case list [--search TEXT] [--sort ${CASE_SORT_FIELDS.join('|')}] [--direction asc|desc] [--json]`,
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        search: { type: 'string' },
        sort: { type: 'string' },
        direction: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
    const { cases } = await callApi(
      io,
      'cases.list',
      {
        search: values.search,
        sortBy: values.sort as (typeof CASE_SORT_FIELDS)[number] | undefined,
        direction: values.direction as 'asc' | 'desc' | undefined,
      },
      { search: '--search', sortBy: '--sort', direction: '--direction' },
    );
    printResult(io, values.json, { cases }, () => {
      if (cases.length === 0) return values.search ? `No case matches "${values.search}".` : 'No cases yet.';
      return formatTable([
        ['ID', 'NUMBER', 'STATUS', 'EVIDENCE', 'UPDATED', 'TITLE'],
        ...cases.map((c) => [
          String(c.id),
          c.caseNumber,
          c.status,
          String(c.evidenceCount),
          c.updatedAt.slice(0, 16),
          c.title,
        ]),
      ]);
    });
    return 0;
  },
};

function formatTable(rows: string[][]): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows
    .map((row) =>
      row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]))).join('  '),
    )
    .join('\n');
}

/** An exact case number wins; otherwise digits are an id. */
export async function resolveCaseId(io: CliIo, reference: string): Promise<number> {
  const { cases } = await callApi(io, 'cases.list', { search: reference });
  const byNumber = cases.find((c) => c.caseNumber === reference.trim());
  if (byNumber) return byNumber.id;
  if (/^\d+$/.test(reference)) return Number(reference);
  throw new CaseCommandError(`no case has the number or id ${reference}`);
}

const caseShowCommand: CliCommand = {
  path: ['case', 'show'],
  summary: 'Show one case with its evidence, analyses, decisions, reports and audit trail',
  usage: 'xssab case show ID|NUMBER [--json]',
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      options: { json: { type: 'boolean', default: false } },
      strict: true,
      allowPositionals: true,
    });
    if (positionals.length !== 1) throw new CliUsageError('give exactly one case id or case number');
    const detail = await callApi(io, 'cases.get', { id: await resolveCaseId(io, positionals[0]) });
    printResult(io, values.json, detail, () => describeDetail(detail));
    return 0;
  },
};

function describeDetail(detail: CaseDetail): string {
  const lines = [
    `Case ${detail.id}: ${detail.caseNumber}`,
    `  Title:             ${detail.title}`,
    `  Status:            ${detail.status}`,
    `  Requesting agency: ${detail.requestingAgency || '—'}`,
    `  Examiner:          ${detail.examiner || '—'}`,
    `  Created / updated: ${detail.createdAt} / ${detail.updatedAt}`,
  ];
  if (detail.notes) lines.push(`  Notes:             ${detail.notes}`);
  lines.push(`Evidence (${detail.evidence.length}):`);
  for (const item of detail.evidence) {
    const size = item.width && item.height ? `${item.width}×${item.height}` : 'size unknown';
    lines.push(`  #${item.id} ${item.originalName} (${item.mediaType}, ${size}) sha256 ${item.sha256}`);
  }
  lines.push(
    `Pairs: ${detail.pairs.length}, analyses: ${detail.analyses.length}, decisions: ${detail.decisions.length}, ` +
      `reports: ${detail.reports.length}`,
  );
  lines.push(`Audit trail (${detail.audit.length} events):`);
  for (const event of detail.audit) lines.push(`  ${event.seq}. ${event.at} ${event.actor} ${event.action}`);
  return lines.join('\n');
}

const caseReopenCommand: CliCommand = {
  path: ['case', 'reopen'],
  summary: 'Reopen a closed (locked) case, giving the reason',
  usage: 'xssab case reopen ID|NUMBER --reason TEXT --account NAME [--json]',
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      options: {
        reason: { type: 'string' },
        account: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: true,
    });
    if (positionals.length !== 1) throw new CliUsageError('give exactly one case id or case number');
    if (values.reason === undefined) throw new CliUsageError('--reason is required');
    if (values.account === undefined) throw new CliUsageError('--account is required');
    const reopened = await callApi(
      io,
      'cases.reopen',
      { id: await resolveCaseId(io, positionals[0]), reason: values.reason },
      { reason: '--reason' },
      values.account,
    );
    printResult(io, values.json, reopened, () => `Reopened ${describeCase(reopened)}`);
    return 0;
  },
};

export const caseCommands: CliCommand[] = [
  caseCreateCommand,
  caseListCommand,
  caseShowCommand,
  caseReopenCommand,
];
