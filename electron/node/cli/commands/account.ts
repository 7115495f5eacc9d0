/**
 * `xssab account create|list` and `xssab decide`: examiner accounts and signed decisions from the
 * command line, through the same API handler as the app. Passphrases come from the environment or
 * a hidden prompt (see ../passphrase.ts), never from options.
 */
import { parseArgs } from 'node:util';
import {
  ACCOUNT_ROLES,
  CONCLUSIONS,
  DECISION_ROLES,
  type Account,
  type Decision,
} from '../../../common/api.js';
import { CliUsageError, type CliCommand } from '../command.js';
import { choiceOption, positiveIntOption, printResult, requireOptions } from '../options.js';
import { NEW_PASSPHRASE_ENV, readPassphrase } from '../passphrase.js';
import { callApi } from './case.js';

const describeAccount = (account: Account) =>
  `account ${account.id}: ${account.name} (${account.initials}, ${account.role}), key ${account.keyFingerprint}`;

const accountCreateCommand: CliCommand = {
  path: ['account', 'create'],
  summary: 'Create an examiner account with its signing key',
  usage:
    `xssab account create --name NAME --initials XX --role ${ACCOUNT_ROLES.join('|')} [--account CREATOR] [--json]\n` +
    `  The new passphrase comes from ${NEW_PASSPHRASE_ENV} or is asked twice; the first account of a data folder\n` +
    '  is created by anyone, later ones by a signed-in account (--account, passphrase from XSSAB_PASSPHRASE).',
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        name: { type: 'string' },
        initials: { type: 'string' },
        role: { type: 'string' },
        account: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
    requireOptions(values, ['name', 'initials', 'role']);
    const role = choiceOption('role', values.role, ACCOUNT_ROLES);
    const passphrase = await readPassphrase(NEW_PASSPHRASE_ENV, `New passphrase for ${values.name}: `);
    if (!process.env[NEW_PASSPHRASE_ENV]) {
      const repeated = await readPassphrase(NEW_PASSPHRASE_ENV, 'Repeat it: ');
      if (repeated !== passphrase) throw new CliUsageError('the two passphrases differ');
    }
    const created = await callApi(
      io,
      'accounts.create',
      { name: values.name, initials: values.initials, role, passphrase },
      { name: '--name', initials: '--initials', role: '--role', passphrase: NEW_PASSPHRASE_ENV },
      values.account,
    );
    printResult(io, values.json, created, () => `Created ${describeAccount(created)}`);
    return 0;
  },
};

const accountListCommand: CliCommand = {
  path: ['account', 'list'],
  summary: 'List the examiner accounts',
  usage: 'xssab account list [--json]',
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: { json: { type: 'boolean', default: false } },
      strict: true,
      allowPositionals: false,
    });
    const { accounts } = await callApi(io, 'accounts.list', {});
    printResult(io, values.json, { accounts }, () =>
      accounts.length === 0 ? 'No accounts yet.' : accounts.map(describeAccount).join('\n'),
    );
    return 0;
  },
};

const describeDecision = (decision: Decision) =>
  `Recorded decision ${decision.id} on pair ${decision.pairId}: ${decision.role} ${decision.examiner}, ` +
  `${decision.conclusion ?? 'sealed'}${decision.disagreement ? ' (disagrees with the examiner: a consultation resolves it)' : ''}` +
  `${decision.verifiesId === null ? '' : `, concerning decision ${decision.verifiesId}`}\n  Signature: ${decision.signature}`;

const decideCommand: CliCommand = {
  path: ['decide'],
  summary: 'Record a signed decision on a pair (examination, verification or consultation)',
  usage:
    `xssab decide --pair ID --role ${DECISION_ROLES.join('|')} --conclusion ${CONCLUSIONS.join('|')}\n` +
    '  --rationale TEXT --account NAME [--analysis ID] [--supersedes DECISION_ID] [--json]',
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        pair: { type: 'string' },
        role: { type: 'string' },
        conclusion: { type: 'string' },
        rationale: { type: 'string' },
        account: { type: 'string' },
        analysis: { type: 'string' },
        supersedes: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
    requireOptions(values, ['pair', 'role', 'conclusion', 'rationale', 'account']);
    const decision = await callApi(
      io,
      'decisions.record',
      {
        pairId: positiveIntOption('pair', values.pair),
        role: choiceOption('role', values.role, DECISION_ROLES),
        conclusion: choiceOption('conclusion', values.conclusion, CONCLUSIONS),
        rationale: values.rationale,
        ...(values.analysis !== undefined && { analysisId: positiveIntOption('analysis', values.analysis) }),
        ...(values.supersedes !== undefined && {
          supersedes: positiveIntOption('supersedes', values.supersedes),
        }),
      },
      {
        rationale: '--rationale',
        analysisId: '--analysis',
        supersedes: '--supersedes',
        examiner: '--account',
      },
      values.account,
    );
    printResult(io, values.json, decision, () => describeDecision(decision));
    return 0;
  },
};

export const accountCommands: CliCommand[] = [accountCreateCommand, accountListCommand, decideCommand];
