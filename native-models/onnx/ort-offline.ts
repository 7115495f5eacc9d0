/**
 * Imported before onnxruntime-node wherever it can load, and first by every entry point (CLI,
 * launcher, Electron main, test runner): the workstation is offline and writes only to its data
 * folder.
 *
 * onnxruntime-node 1.29 starts Microsoft's 1DS telemetry with the first session, on Linux too: it
 * writes a device id and an SQLite event queue to $XDG_CACHE_HOME (else ~/.cache)
 * /Microsoft/DeveloperTools/.onnxruntime/ and, about ten seconds later, resolves
 * mobile.events.data.microsoft.com to upload them. The native library reads ORT_DISABLE_TELEMETRY
 * with getenv(), so it must be in the real process environment: set from the main thread (a
 * worker thread's process.env is a copy that native code never sees), before any worker starts.
 */
process.env.ORT_DISABLE_TELEMETRY = '1';
