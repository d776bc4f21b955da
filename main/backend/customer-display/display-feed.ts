import { idleDisplayState, type CustomerDisplayState } from '../../../shared/customer-display.ts';

/**
 * The customer display's one state, kept in the backend: the checkout
 * publishes each change (`display.show`), every display hears it as the
 * `customerDisplay` event, and a display that opens or reconnects mid-sale
 * asks for the current one (`display.current`). In memory only: after a
 * restart the display waits for the checkout's next change.
 */
export class CustomerDisplayFeed {
  private seq = 0;
  private state: CustomerDisplayState | null = null;
  private readonly listeners = new Set<(state: CustomerDisplayState) => void>();

  /** The next sequence number, for a state about to be published. */
  nextSeq(): number {
    return ++this.seq;
  }

  publish(state: CustomerDisplayState): CustomerDisplayState {
    this.state = state;
    for (const listener of this.listeners) listener(state);
    return state;
  }

  current(format: CustomerDisplayState['format']): CustomerDisplayState {
    return this.state ?? idleDisplayState(this.seq, format);
  }

  onChange(listener: (state: CustomerDisplayState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
