/** IPC channel names between the preload script and the Electron main process. */
export const IPC_CHANNELS = {
  /** renderer → main, invoke(method, params) → ApiOutcome. */
  apiCall: 'xssab:api-call',
  /** main → renderer, send(ProgressEvent). */
  event: 'xssab:event',
} as const;

export type IpcChannels = typeof IPC_CHANNELS;
