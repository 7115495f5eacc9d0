/**
 * `xssab report --case ID|NUMBER --account NAME`: exports the case report (PDF), signed by the
 * account, through the same API as the app;
 * the stored copy stays in the data folder, `--out` writes another copy of the verified bytes.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { resolveStoredPath } from '../../store/data-folder.js';
import type { CliCommand } from '../command.js';
import { printResult, requireOptions } from '../options.js';
import { callApi, resolveCaseId } from './case.js';

export const reportCommand: CliCommand = {
  path: ['report'],
  summary: 'Export the court report (PDF) of a case',
  usage: 'xssab report --case ID|NUMBER --account NAME [--out FILE.pdf] [--json]   (signed by the account)',
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        case: { type: 'string' },
        out: { type: 'string' },
        account: { type: 'string' },
        // Accepted for older scripts and ignored: the signing account is the exporter.
        actor: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
    requireOptions(values, ['case', 'account']);
    const caseId = await resolveCaseId(io, values.case);
    const exported = await callApi(io, 'reports.export', { caseId }, {}, values.account);
    const stored = resolveStoredPath(io.dataDir, exported.storedPath);
    let out: string | undefined;
    if (values.out !== undefined) {
      // reports.read re-hashes the stored file, so the copy is the recorded report.
      const { dataBase64 } = await callApi(io, 'reports.read', { reportId: exported.reportId });
      out = resolve(values.out);
      writeFileSync(out, Buffer.from(dataBase64, 'base64'));
    }
    printResult(io, values.json, { ...exported, caseId, storedFile: stored, ...(out && { out }) }, () =>
      [
        `Exported report ${exported.reportId} of case ${values.case}: ${exported.pages} page${exported.pages === 1 ? '' : 's'}`,
        `  SHA-256: ${exported.sha256}`,
        `  Stored:  ${stored}`,
        ...(out ? [`  Copy:    ${out}`] : []),
      ].join('\n'),
    );
    return 0;
  },
};
