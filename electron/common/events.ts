/**
 * Events the backend pushes to the UI while long jobs (analyses, report exports, model setup)
 * run: over IPC in Electron (IPC_CHANNELS.event), over the /events WebSocket in browser mode.
 */
import { z } from 'zod';

export const progressEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('job.progress'),
    jobId: z.string(),
    /** What the job does, e.g. 'xssab', 'report.export'. */
    kind: z.string(),
    /** Human-readable stage, e.g. 'loading model'. */
    stage: z.string(),
    done: z.number().nonnegative(),
    /** Null while the amount of work is unknown. */
    total: z.number().positive().nullable(),
    caseId: z.int().nullable(),
  }),
  z.object({
    type: z.literal('job.finished'),
    jobId: z.string(),
    kind: z.string(),
    ok: z.boolean(),
    /** Set when ok is false. */
    error: z.string().optional(),
    caseId: z.int().nullable(),
  }),
  z.object({
    /** Something in a case changed (another window, the CLI); the UI should reload it. */
    type: z.literal('case.changed'),
    caseId: z.int(),
  }),
]);
export type ProgressEvent = z.infer<typeof progressEventSchema>;

export type ProgressListener = (event: ProgressEvent) => void;
