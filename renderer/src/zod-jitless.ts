import { z } from 'zod';

// zod probes `new Function` when an object schema is created, to compile faster parsers. The CSP
// (no 'unsafe-eval') blocks it and Chromium reports every probe as a violation, so turn it off.
// main.tsx imports this module first: the setting must precede the schemas in electron/common.
z.config({ jitless: true });
