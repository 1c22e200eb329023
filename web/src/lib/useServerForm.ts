import { useId, useLayoutEffect, useRef, useState } from 'react';
import { ApiError, type FieldError } from './api';
import { errorsAt, unplacedErrors } from './fieldErrors';

/** Lists are typed one item per line (or separated by commas); none of their items holds a space. */
export function listItems(text: string): string[] {
  return text.split(/[\s,]+/).filter(Boolean);
}

/**
 * A form the server checks: its fields' ids, the field errors of the last save (placed by each field's
 * JSON pointer, the rest shown above the form), the problem's title, and whether a save is under way.
 * `save` runs the request; a refusal lands its errors by their fields and moves focus to the first one.
 * @example
 *   const form = useServerForm({ url: '/url', types: '/types' });
 *   <form onSubmit={form.onSubmit(async () => onSaved(await createWebhook(body)))}>
 */
export function useServerForm<K extends string>(pointers: Readonly<Record<K, string>>) {
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [formError, setFormError] = useState<string>();
  const [saving, setSaving] = useState(false);
  const formId = useId();
  const fieldId = (name: K) => `${formId}-${name}`;
  // The fields as rendered when the answer arrives (a form may re-place its fields while the save is under way).
  const latest = useRef(pointers);
  useLayoutEffect(() => {
    latest.current = pointers;
  });

  async function save(work: () => Promise<void>): Promise<void> {
    setSaving(true);
    setErrors([]);
    setFormError(undefined);
    try {
      await work();
    } catch (error) {
      if (!(error instanceof ApiError)) {
        setFormError(String(error));
        return;
      }
      const fieldErrors = error.problem.errors ?? [];
      setErrors(fieldErrors);
      setFormError(fieldErrors.length ? `${error.problem.detail ?? error.problem.title}: see the marked fields.` : (error.problem.detail ?? error.problem.title));
      const placed = latest.current;
      const first = (Object.keys(placed) as K[]).find((name) => errorsAt(fieldErrors, placed[name]).length > 0);
      if (first) document.getElementById(fieldId(first))?.focus();
    } finally {
      setSaving(false);
    }
  }

  return {
    errors,
    formError,
    saving,
    fieldId,
    /** The errors of one field. */
    errorsOf: (name: K) => errorsAt(errors, pointers[name]),
    /** The errors no field shows. */
    unplaced: unplacedErrors(errors, Object.values(pointers)),
    /** A submit handler that saves with `work`. */
    onSubmit: (work: () => Promise<void>) => (event: React.FormEvent) => {
      event.preventDefault();
      void save(work);
    },
  };
}
