export { startBrowserBridge, type BrowserBridgeOptions } from './browser-bridge.js';
export { startHttpBridge, type HttpBridge, type HttpBridgeOptions } from './http-bridge.js';
