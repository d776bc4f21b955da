import type { ScanEvent } from '../../shared/scan.ts';
import { createWedgeDetector, type WedgeConfig, type WedgeDecision } from './wedge-detector.ts';

/**
 * The DOM side of the keyboard-wedge detector: a capture-phase keydown listener on the window,
 * so it sees every key before the focused element and the app's own handlers do.
 *
 * Held keys are swallowed (preventDefault + stopImmediatePropagation): scanner characters never
 * reach the page. When held keys turn out to be a person's, they are replayed into the element
 * that had focus when they were pressed: a synthetic keydown first (so the app's key handlers
 * still see them and may cancel), then the text goes in at the caret with setRangeText and an
 * `input` event, which is what frameworks (React's onChange included) listen to.
 *
 * Keyup passes untouched: it inserts nothing, and holding it would only delay it.
 */

export interface WedgeListenerOptions extends Partial<WedgeConfig> {
  onScan: (event: ScanEvent) => void;
}

export interface WedgeListener {
  /** Stops listening; held keys are decided now, so a person's typing is not lost. */
  stop(): void;
}

/**
 * How long a page that is behind waits for queued keys before deciding a burst (see schedule).
 * 50 ms was too short on a starved machine (tests under load: the next queued key of a burst
 * came 60–120 ms later); a page that is behind already shows keys late, so more costs little.
 */
const LAGGING_GRACE_MS = 150;

export function createWedgeListener({ onScan, ...config }: WedgeListenerOptions): WedgeListener {
  const detector = createWedgeDetector(config);
  // Epoch ms from the page's high-resolution clock: event.timeStamp shares its origin, and it says
  // when the key was pressed, not when a busy page got round to the handler.
  const now = () => performance.timeOrigin + performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** The element that had focus when the first held key was pressed: released keys go back there. */
  let heldFor: Element | null = null;

  const apply = (decision: WedgeDecision, focused: Element | null, unclear?: ScanEvent) => {
    if (decision.release.length > 0) {
      const to = heldFor?.isConnected ? heldFor : focused;
      if (to) for (const key of decision.release) replayKey(to, key);
      heldFor = null;
    }
    if (detector.deadline === undefined) heldFor = null;
    else heldFor ??= focused;
    if (decision.scan) onScan(decision.scan);
    // After the given-back keys: the screen resolves it, or says why not with a tone (never silence).
    if (unclear) onScan(unclear);
    schedule();
  };

  const schedule = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const deadline = detector.deadline;
    if (deadline === undefined) return;
    const wait = deadline - now();
    // +1: a timer may fire a hair early, and the detector only decides strictly after the deadline.
    // A deadline already past means the page is behind: it was busy while the scanner typed, and
    // the rest of the burst may be queued behind this task. Let those keys in before deciding.
    timer = setTimeout(
      () => {
        timer = undefined;
        apply(detector.expire(now()), focusedElement());
      },
      wait >= 0 ? wait + 1 : LAGGING_GRACE_MS,
    );
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (!event.isTrusted) return; // our own replays, or a page's synthetic keys: never typing
    const command =
      event.metaKey ||
      ((event.ctrlKey || event.altKey) && !event.getModifierState('AltGraph')) ||
      event.isComposing ||
      event.key === 'Process';
    const decision = detector.key({
      key: event.key,
      at: performance.timeOrigin + event.timeStamp,
      command,
      repeat: event.repeat,
    });
    const path = event.composedPath();
    const origin = path[0] instanceof Element ? path[0] : focusedElement();
    // A scanner's burst that a loaded machine delivered in pieces, typed into no text field: a scan
    // after all, and its terminator is the scan's (it must not press the focused button). Typed into
    // a field, the keys are there to see and the terminator does what the person meant.
    const unclear = decision.unclear && !takesText(heldFor?.isConnected ? heldFor : origin) ? decision.unclear : undefined;
    if (decision.swallow || unclear) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
    apply(decision, origin, unclear);
  };

  // A click can move the caret or the focus: held keys are decided first, where they were typed.
  const onPointerDown = () => apply(detector.flush(), focusedElement());

  window.addEventListener('keydown', onKeyDown, { capture: true });
  window.addEventListener('pointerdown', onPointerDown, { capture: true });

  return {
    stop() {
      window.removeEventListener('keydown', onKeyDown, { capture: true });
      window.removeEventListener('pointerdown', onPointerDown, { capture: true });
      apply(detector.flush(), focusedElement());
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}

/** The focused element, looking inside shadow roots; the body when nothing has focus. */
function focusedElement(): Element | null {
  let el = document.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  return el ?? document.body;
}

/** Input types whose text has a caret (setRangeText works); email and number have text but no caret API. */
const CARET_TYPES = new Set(['text', 'search', 'url', 'tel', 'password']);
const TEXT_TYPES = new Set([...CARET_TYPES, 'email', 'number']);
/** Input types a Space activates, as a real Space keypress would. */
const SPACE_ACTIVATES = new Set(['button', 'submit', 'reset', 'checkbox', 'radio', 'image']);

/** Whether typing into `el` shows up somewhere: a text field or contenteditable. */
function takesText(el: Element | null): boolean {
  if (!el) return false;
  if (el instanceof HTMLTextAreaElement) return !el.readOnly && !el.disabled;
  if (el instanceof HTMLInputElement) return TEXT_TYPES.has(el.type) && !el.readOnly && !el.disabled;
  return el instanceof HTMLElement && el.isContentEditable;
}

/** Gives one held key of a person back to the element it was typed into. */
function replayKey(el: Element, key: string): void {
  const init = { key, bubbles: true, cancelable: true, composed: true };
  if (el.dispatchEvent(new KeyboardEvent('keydown', init)) && !insertText(el, key)) activate(el, key);
  el.dispatchEvent(new KeyboardEvent('keyup', init));
}

/** Inserts text at the caret of a text field, as typing would; false when `el` takes no text. */
function insertText(el: Element, text: string): boolean {
  const isField = (el instanceof HTMLInputElement && TEXT_TYPES.has(el.type)) || el instanceof HTMLTextAreaElement;
  if (isField) {
    const field = el as HTMLInputElement | HTMLTextAreaElement;
    if (field.readOnly || field.disabled) return true;
    const start = field instanceof HTMLTextAreaElement || CARET_TYPES.has(field.type) ? field.selectionStart : null;
    const end = start === null ? null : field.selectionEnd;
    const replaced = start === null || end === null ? 0 : end - start;
    if (field.maxLength >= 0 && field.value.length - replaced + text.length > field.maxLength) return true;
    const inputInit = { inputType: 'insertText', data: text, bubbles: true, composed: true };
    if (!field.dispatchEvent(new InputEvent('beforeinput', { ...inputInit, cancelable: true }))) return true;
    if (start === null || end === null) field.value += text;
    else field.setRangeText(text, start, end, 'end');
    field.dispatchEvent(new InputEvent('input', inputInit));
    return true;
  }
  if (el instanceof HTMLElement && el.isContentEditable) {
    // execCommand is the only way to type into contenteditable through the browser's own editing.
    el.ownerDocument.execCommand('insertText', false, text);
    return true;
  }
  return false;
}

/** Space on a button, checkbox or summary: what the held keypress would have done. */
function activate(el: Element, key: string): void {
  if (key !== ' ' || !(el instanceof HTMLElement)) return;
  const activates =
    el instanceof HTMLButtonElement ||
    el.tagName === 'SUMMARY' ||
    el.getAttribute('role') === 'button' ||
    (el instanceof HTMLInputElement && SPACE_ACTIVATES.has(el.type));
  if (activates) el.click();
}
