import type { ProgressEvent, ProgressListener } from '../../common/events.js';

/** Fan-out of backend events to whatever UI transport is connected (IPC, WebSocket). */
export class EventHub {
  private readonly listeners = new Set<ProgressListener>();

  subscribe(listener: ProgressListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(event: ProgressEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        // One broken transport must not stop the others or the job that published.
        console.error('xssab: event listener failed:', error);
      }
    }
  }
}
