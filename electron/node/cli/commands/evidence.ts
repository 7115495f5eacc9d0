/**
 * `xssab evidence add`: imports photographs into a case through the same API as the app (stored
 * read-only under their SHA-256, audited).
 */
import { readFileSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { MAX_EVIDENCE_BYTES, type EvidenceItem } from '../../../common/api.js';
import { CliUsageError, type CliCommand } from '../command.js';
import { printResult, requireOptions } from '../options.js';
import { callApi, resolveCaseId } from './case.js';

export const evidenceAddCommand: CliCommand = {
  path: ['evidence', 'add'],
  summary: 'Import photographs into a case as evidence',
  usage: 'xssab evidence add --case ID|NUMBER FILE... [--actor NAME] [--json]',
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      options: {
        case: { type: 'string' },
        actor: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: true,
    });
    requireOptions(values, ['case']);
    if (positionals.length === 0) throw new CliUsageError('name at least one image file to import');
    // Every file is checked before the first is imported; each is read only when its turn comes.
    const files = positionals.map((path) => checkEvidenceFile(resolve(path)));
    const caseId = await resolveCaseId(io, values.case);
    const evidence: EvidenceItem[] = [];
    for (const file of files) {
      try {
        evidence.push(
          await callApi(
            io,
            'evidence.import',
            {
              caseId,
              fileName: basename(file),
              dataBase64: readFileSync(file).toString('base64'),
              actor: values.actor,
            },
            { dataBase64: 'FILE', fileName: 'FILE', actor: '--actor' },
          ),
        );
      } catch (error) {
        for (const item of evidence)
          io.err(`xssab evidence add: ${item.originalName} was imported as evidence ${item.id}`);
        throw error;
      }
    }
    printResult(io, values.json, { evidence }, () =>
      evidence
        .map((item) => {
          const size = item.width && item.height ? `, ${item.width}×${item.height}` : '';
          return `Imported evidence ${item.id}: ${item.originalName} (${item.mediaType}${size}) sha256 ${item.sha256}`;
        })
        .join('\n'),
    );
    return 0;
  },
};

/** The path, unless the file is missing, unreadable or oversized: the user's to fix (exit 2). */
function checkEvidenceFile(path: string): string {
  let size: number;
  try {
    const stats = statSync(path);
    if (!stats.isFile()) throw new CliUsageError(`${path} is not a file`);
    size = stats.size;
  } catch (error) {
    if (error instanceof CliUsageError) throw error;
    throw new CliUsageError(
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? `file not found: ${path}` : `cannot read ${path}`,
    );
  }
  if (size > MAX_EVIDENCE_BYTES) {
    throw new CliUsageError(
      `${path} is ${(size / 1024 ** 2).toFixed(1)} MB; evidence files over ${MAX_EVIDENCE_BYTES / 1024 ** 2} MB are refused`,
    );
  }
  return path;
}
