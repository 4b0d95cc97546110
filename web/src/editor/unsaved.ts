// Asks before unsaved edits are lost: in-app navigation (router leave guard, via navigate/Link)
// and closing or reloading the tab (beforeunload, where the browser shows its own question).
import { useEffect, useRef } from 'react';
import { addLeaveGuard } from '../router';

export function useUnsavedPrompt(dirty: boolean, question = 'You have unsaved changes. Leave this page and lose them?'): void {
  // A ref, so the guard registered once reads this render's answer.
  const state = useRef({ dirty, question });
  state.current = { dirty, question };
  useEffect(() => addLeaveGuard(() => (state.current.dirty ? state.current.question : null)), []);
  useEffect(() => {
    if (!dirty) return;
    const onUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      e.returnValue = ''; // older Chromium shows the prompt only when returnValue is set
    };
    window.addEventListener('beforeunload', onUnload);
    return () => window.removeEventListener('beforeunload', onUnload);
  }, [dirty]);
}
