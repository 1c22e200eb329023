/**
 * What every field of one schema form shares beyond its own value: the alternatives chosen (`alternatives.ts`)
 * and where Secret fields keep their values (`secrets.ts`), whatever object or list the field is in.
 */
import { createContext, useContext } from 'react';
import type { Choices } from './alternatives';
import type { SecretValues } from './secrets';

export interface FormContextValue {
  choices: Choices;
  choose: (pointer: string, index: number) => void;
  /** Replaces the chosen alternatives at once (items removed from a list move theirs down). */
  setChoices: (next: Choices) => void;
  /** Without it (the platform request form), Secret fields are password fields among the values. */
  secrets?: SecretValues;
}

export const FormContext = createContext<FormContextValue>({ choices: {}, choose: () => undefined, setChoices: () => undefined });

export function useFormContext(): FormContextValue {
  return useContext(FormContext);
}
