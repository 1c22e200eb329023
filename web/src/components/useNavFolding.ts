import { useLayoutEffect, useState, type RefObject } from 'react';

/**
 * Whether the main nav should fold behind the menu button: when its entries do not fit beside the rest of the
 * top bar. Measured, not guessed from a breakpoint, because every area adds entries (and an admin sees more
 * than a guest). Unfolds once the bar is as wide as the entries needed.
 */
export function useNavFolding(bar: RefObject<HTMLElement | null>, nav: RefObject<HTMLElement | null>): boolean {
  const [folded, setFolded] = useState(false);
  const [needed, setNeeded] = useState(0);

  useLayoutEffect(() => {
    const barElement = bar.current;
    const navElement = nav.current;
    if (!barElement || !navElement) return;
    const measure = () => {
      if (!folded) {
        const missing = navElement.scrollWidth - navElement.clientWidth;
        if (missing > 1) {
          setNeeded(barElement.clientWidth + missing);
          setFolded(true);
        }
      } else if (barElement.clientWidth >= needed) {
        setFolded(false);
      }
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(barElement);
    observer.observe(navElement);
    return () => observer.disconnect();
  }, [bar, nav, folded, needed]);

  return folded;
}
