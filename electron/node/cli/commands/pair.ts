/** `xssab pair create`: two evidence items of a case to compare, through the same API as the app. */
import { parseArgs } from 'node:util';
import type { CliCommand } from '../command.js';
import { positiveIntOption, printResult, requireOptions } from '../options.js';
import { callApi, resolveCaseId } from './case.js';

export const pairCreateCommand: CliCommand = {
  path: ['pair', 'create'],
  summary: 'Pair two evidence items of a case for comparison',
  usage: 'xssab pair create --case ID|NUMBER --a EVIDENCE_ID --b EVIDENCE_ID [--actor NAME] [--json]',
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        case: { type: 'string' },
        a: { type: 'string' },
        b: { type: 'string' },
        actor: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
    requireOptions(values, ['case', 'a', 'b']);
    const evidenceAId = positiveIntOption('a', values.a);
    const evidenceBId = positiveIntOption('b', values.b);
    const caseId = await resolveCaseId(io, values.case);
    const pair = await callApi(
      io,
      'pairs.create',
      { caseId, evidenceAId, evidenceBId, actor: values.actor },
      { evidenceAId: '--a', evidenceBId: '--b', actor: '--actor' },
    );
    printResult(
      io,
      values.json,
      pair,
      () =>
        `Created pair ${pair.id}: evidence ${pair.evidenceAId} and ${pair.evidenceBId} of case ${values.case}`,
    );
    return 0;
  },
};
