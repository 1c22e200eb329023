import { useState } from 'react';
import { useAsync } from '../lib/hooks';
import { ApiError } from '../lib/api';
import { LIKERT_LABELS } from '../../../src/surveys/question.js';
import { pulseQuestion, ratePulse } from './insightsApi';
import './insights.css';

const dismissedKey = (occasion: string) => `pave.pulse.dismissed.${occasion}`;

/**
 * The one-question pulse after a golden path run or a platform request: shown to whom it asks, until they
 * answer or dismiss it (kept in the browser). Shows nothing when it asks nothing (not theirs, not finished).
 */
export function PulseCard({ occasion }: { occasion: string }) {
  const [dismissed, setDismissed] = useState(() => localStorage.getItem(dismissedKey(occasion)) === '1');
  const asked = useAsync((signal) => (dismissed ? Promise.resolve(undefined) : pulseQuestion(occasion, signal).catch(() => undefined)), [occasion, dismissed]);
  const [score, setScore] = useState<number>();
  const [comment, setComment] = useState('');
  const [state, setState] = useState<'asking' | 'sending' | 'thanks' | 'failed'>('asking');
  const question = asked.data;
  if (dismissed || !question || (question.answered && state !== 'thanks')) return null;
  if (state === 'thanks') {
    return (
      <section className="card pulse-card" aria-live="polite" data-testid="pulse-card">
        <p>Thank you: your rating is kept without your name.</p>
      </section>
    );
  }
  return (
    <section className="card pulse-card" aria-labelledby="pulse-title" data-testid="pulse-card">
      <form
        onSubmit={async (event) => {
          event.preventDefault();
          if (score === undefined) return;
          setState('sending');
          try {
            await ratePulse(occasion, score, comment.trim() || undefined);
            setState('thanks');
          } catch (error) {
            // Rated already (in another tab): as good as sent.
            setState(error instanceof ApiError && error.problem.status === 409 ? 'thanks' : 'failed');
          }
        }}
      >
        <fieldset>
          <legend id="pulse-title">{question.question}</legend>
          <div className="pulse-scale">
            {LIKERT_LABELS.map((label, i) => (
              <label key={label}>
                <input type="radio" name="pulse-score" value={i + 1} checked={score === i + 1} onChange={() => setScore(i + 1)} /> {label}
              </label>
            ))}
          </div>
        </fieldset>
        <label className="pulse-comment">
          Anything to add? <span className="muted small">(optional, anonymous)</span>
          <input type="text" maxLength={500} value={comment} onChange={(e) => setComment(e.target.value)} />
        </label>
        {state === 'failed' ? <p className="error-text">The rating could not be sent; try again.</p> : null}
        <div className="pulse-actions">
          <button type="submit" className="btn primary" disabled={score === undefined || state === 'sending'}>
            Send
          </button>
          <button
            type="button"
            className="btn"
            onClick={() => {
              localStorage.setItem(dismissedKey(occasion), '1');
              setDismissed(true);
            }}
          >
            Not now
          </button>
        </div>
      </form>
    </section>
  );
}
