import { v7 as uuidv7 } from 'uuid';

/** A new sortable id (UUIDv7): time-ordered, so newest-last ordering is free. */
export function newId(): string {
  return uuidv7();
}
