/** The app's own description: name, version, data folder, transport. */
import { z } from 'zod';

export const appMethods = {
  'app.info': {
    params: z.object({}),
    result: z.object({
      name: z.string(),
      version: z.string(),
      dataDir: z.string(),
      /** 'ipc' inside the Electron shell, 'http' in browser mode, 'cli' for the xssab command. */
      transport: z.enum(['ipc', 'http', 'cli']),
      /** The user recorded as actor when a call names none. */
      defaultActor: z.string(),
    }),
  },
} as const;
