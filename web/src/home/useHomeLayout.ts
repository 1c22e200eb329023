import { useLocalStorage } from '../lib/hooks';
import { useAccount } from '../components/Account';

/** The home page's cards a person may hide, in page order. Announcements are the platform team's and always shown. */
export const HOME_CARDS = [
  { id: 'my-team', label: 'My team’s entities' },
  { id: 'golden-paths', label: 'Golden paths to start' },
  { id: 'recently-changed', label: 'Recently changed' },
  { id: 'starred', label: 'Starred' },
  { id: 'recent', label: 'Recently visited' },
  { id: 'problems', label: 'Ingestion problems' },
] as const;

export type HomeCardId = (typeof HOME_CARDS)[number]['id'];

/**
 * How this person has made the home page their own, kept in this browser: their team (until chosen, their
 * first group) and the cards they hid.
 */
export function useHomeLayout() {
  const [savedTeam, setTeam] = useLocalStorage('pave.team', null);
  const [hiddenText, setHiddenText] = useLocalStorage('pave.home.hidden', null);
  const { identity } = useAccount();
  const hidden = new Set((hiddenText ?? '').split(',').filter(Boolean));
  return {
    team: savedTeam ?? identity?.groups[0] ?? null,
    setTeam,
    shows: (card: HomeCardId) => !hidden.has(card),
    setShown(card: HomeCardId, shown: boolean) {
      const next = new Set(hidden);
      if (shown) next.delete(card);
      else next.add(card);
      setHiddenText(next.size ? [...next].join(',') : null);
    },
  };
}

export type HomeLayout = ReturnType<typeof useHomeLayout>;
