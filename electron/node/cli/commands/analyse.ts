/**
 * `xssab analyse --pair ID`: the xSSAB analysis of a pair, recorded in its case exactly as the app
 * records it (evidence re-hashed, maps stored with their hashes, audited).
 */
import { parseArgs } from 'node:util';
import { xssabResultSchema, type Analysis } from '../../../common/api.js';
import type { CliCommand } from '../command.js';
import { positiveIntOption, printResult, requireOptions } from '../options.js';
import { callApi } from './case.js';

export const analyseCommand: CliCommand = {
  path: ['analyse'],
  summary: 'Run and record the xSSAB analysis of a pair',
  usage: 'xssab analyse --pair PAIR_ID [--model ID] [--actor NAME] [--json]',
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        pair: { type: 'string' },
        model: { type: 'string' },
        actor: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
    requireOptions(values, ['pair']);
    const pairId = positiveIntOption('pair', values.pair);
    const { analysisId } = await callApi(
      io,
      'analyses.run',
      { pairId, modelId: values.model, actor: values.actor },
      { pairId: '--pair', modelId: '--model', actor: '--actor' },
    );
    const analysis = await callApi(io, 'analyses.get', { analysisId });
    printResult(io, values.json, analysis, () => describeAnalysis(analysis));
    return 0;
  },
};

function describeAnalysis(analysis: Analysis): string {
  const { decision } = xssabResultSchema.parse(analysis.result);
  const score = analysis.score === null ? '—' : analysis.score.toFixed(4);
  const threshold = analysis.threshold === null ? '—' : analysis.threshold.toFixed(4);
  return [
    `Analysis ${analysis.id} of pair ${analysis.pairId}: score ${score} vs threshold ${threshold} → ${decision}`,
    `  Model:     ${analysis.modelId} (${analysis.modelName}) sha256 ${analysis.modelSha256}`,
    `  Inputs:    A sha256 ${analysis.inputASha256}`,
    `             B sha256 ${analysis.inputBSha256}`,
    `  Provider:  ${analysis.provider}`,
    `  Artifacts: ${analysis.artifacts.length} files, each recorded with its SHA-256`,
  ].join('\n');
}
