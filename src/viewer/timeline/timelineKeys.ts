/**
 * Keyboard shortcuts of the timeline, as data: the page listens for keys and asks
 * {@link timelineAction} what a key means. Keys typed into a form field are never shortcuts.
 */

export type TimelineAction =
  | { readonly kind: 'togglePlay' }
  | { readonly kind: 'step'; readonly direction: 'before' | 'after' }
  | { readonly kind: 'jump'; readonly deltaMs: number }
  | { readonly kind: 'home' }
  | { readonly kind: 'end' }
  | { readonly kind: 'live' }
  | { readonly kind: 'bookmark' }
  | { readonly kind: 'loopIn' }
  | { readonly kind: 'loopOut' }
  | { readonly kind: 'clearLoop' }
  | { readonly kind: 'faster' }
  | { readonly kind: 'slower' };

export interface KeyInput {
  readonly key: string;
  readonly shiftKey: boolean;
  readonly altKey: boolean;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
}

/** What each shortcut does, for the help popover (same order as the handling below). */
export const TIMELINE_SHORTCUTS: readonly (readonly [string, string])[] = [
  ['Space', 'play / pause (pauses the live view on the newest data)'],
  ['← / →', 'one sample back / forward'],
  ['Shift + ← / →', '1 s back / forward'],
  ['Alt + ← / →', '10 s back / forward'],
  ['Home / End', 'start / end of the recording'],
  ['[ / ]', 'loop from / to the cursor'],
  ['Esc', 'clear the loop'],
  ['- / +', 'slower / faster'],
  ['B', 'bookmark the cursor'],
  ['L', 'back to live'],
];

/** The action for a key press, or null when the key is not a timeline shortcut. */
export function timelineAction(event: KeyInput): TimelineAction | null {
  if (event.ctrlKey || event.metaKey) return null; // leave the browser's own shortcuts alone
  switch (event.key) {
    case ' ':
      return { kind: 'togglePlay' };
    case 'ArrowLeft':
    case 'ArrowRight': {
      const sign = event.key === 'ArrowLeft' ? -1 : 1;
      if (event.altKey) return { kind: 'jump', deltaMs: sign * 10_000 };
      if (event.shiftKey) return { kind: 'jump', deltaMs: sign * 1000 };
      return { kind: 'step', direction: sign < 0 ? 'before' : 'after' };
    }
    case 'Home':
      return { kind: 'home' };
    case 'End':
      return { kind: 'end' };
    case 'l':
    case 'L':
      return { kind: 'live' };
    case 'b':
    case 'B':
      return { kind: 'bookmark' };
    case '[':
      return { kind: 'loopIn' };
    case ']':
      return { kind: 'loopOut' };
    case 'Escape':
      return { kind: 'clearLoop' };
    case '+':
    case '=':
      return { kind: 'faster' };
    case '-':
    case '_':
      return { kind: 'slower' };
    default:
      return null;
  }
}

/** True when the key went to something that takes text (inputs, selects, editors). */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as Element).closest !== 'function') return false;
  const element = target as HTMLElement;
  return (
    element.isContentEditable === true ||
    element.closest('input, textarea, select, [contenteditable="true"], .monaco-editor') !== null
  );
}
