import { onBeforeUnmount, ref, watch, type Ref } from 'vue';

/**
 * A popup's open state: closes on Escape and on a click outside `root`, so every menu of the
 * top bar behaves the same.
 */
export function usePopup(root: Ref<HTMLElement | undefined>) {
  const open = ref(false);
  const onDocumentClick = (event: MouseEvent) => {
    if (root.value && !root.value.contains(event.target as Node)) open.value = false;
  };
  const onKey = (event: KeyboardEvent) => {
    if (event.key === 'Escape') open.value = false;
  };
  watch(open, (isOpen) => {
    if (isOpen) {
      document.addEventListener('mousedown', onDocumentClick);
      document.addEventListener('keydown', onKey);
    } else {
      document.removeEventListener('mousedown', onDocumentClick);
      document.removeEventListener('keydown', onKey);
    }
  });
  onBeforeUnmount(() => (open.value = false));
  return open;
}
