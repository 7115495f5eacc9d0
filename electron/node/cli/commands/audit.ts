/**
 * `xssab audit verify`: re-hashes the audit trail and every stored evidence file, of one case or of
 * the whole data folder. Exit 0 when everything checks out, 1 when anything does not (the
 * findings are printed either way).
 */
import { parseArgs } from 'node:util';
import type { AuditVerification, EvidenceIntegrity } from '../../../common/api.js';
import type { CliCommand, CliIo } from '../command.js';
import { printResult } from '../options.js';
import { callApi, resolveCaseId } from './case.js';

export const auditVerifyCommand: CliCommand = {
  path: ['audit', 'verify'],
  summary: 'Verify the audit trail and the stored evidence files (exit 1 when anything fails)',
  usage: 'xssab audit verify [--case ID|NUMBER] [--json]',
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        case: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
    const caseId = values.case === undefined ? undefined : await resolveCaseId(io, values.case);
    const audit = await callApi(io, 'audit.verify', { caseId });
    const evidence = await verifyEvidence(io, caseId);
    const altered = evidence.filter((item) => item.state !== 'verified');
    const ok = audit.ok && altered.length === 0;
    printResult(io, values.json, { ok, audit, evidence }, () => describe(audit, evidence));
    if (!ok) {
      io.err(
        `xssab audit verify: verification failed${audit.ok ? '' : ' (audit trail broken)'}` +
          `${altered.length ? ` (${altered.length} evidence file${altered.length === 1 ? '' : 's'} not as recorded)` : ''}`,
      );
    }
    return ok ? 0 : 1;
  },
};

/** The case's evidence, or every case's. */
async function verifyEvidence(io: CliIo, caseId: number | undefined): Promise<EvidenceIntegrity[]> {
  const caseIds =
    caseId === undefined ? (await callApi(io, 'cases.list', {})).cases.map((c) => c.id) : [caseId];
  const items: EvidenceIntegrity[] = [];
  for (const id of caseIds) items.push(...(await callApi(io, 'evidence.verify', { caseId: id })).items);
  return items;
}

function describe(audit: AuditVerification, evidence: EvidenceIntegrity[]): string {
  const lines = [
    audit.ok
      ? `Audit trail intact: ${audit.checkedEvents} events re-hash and link up; head ${audit.headHash || '(empty)'}`
      : `Audit trail BROKEN at event ${audit.firstBroken?.seq}: ${audit.firstBroken?.reason}`,
  ];
  if (audit.caseEvents !== undefined) lines.push(`  ${audit.caseEvents} of the events concern this case`);
  const verified = evidence.filter((item) => item.state === 'verified').length;
  lines.push(`Evidence files: ${verified} of ${evidence.length} verified`);
  for (const item of evidence) {
    if (item.state !== 'verified') lines.push(`  evidence ${item.evidenceId}: ${item.state.toUpperCase()}`);
  }
  return lines.join('\n');
}
