export { startBrowserBridge, type BrowserBridgeOptions } from './browser-bridge.js';
export { startHttpBridge, MAX_BODY_BYTES, type HttpBridge, type HttpBridgeOptions } from './http-bridge.js';
export { CONTENT_SECURITY_POLICY, SECURITY_HEADERS, resolveRendererFile } from './static-files.js';
