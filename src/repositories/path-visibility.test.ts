import { describe, expect, it } from 'vitest';
import { isVisible, pathSight } from './path-visibility.js';

describe('pathSight', () => {
  const folders = ['apps/team-a/Db/main', 'apps/team-a/Cache/c'];

  it('shows everything without folders, and everything under the root folder', () => {
    expect(pathSight('any/thing', undefined)).toBe('inside');
    expect(pathSight('any/thing', [''])).toBe('inside');
  });

  it('shows the folders and what is in them whole', () => {
    expect(pathSight('apps/team-a/Db/main', folders)).toBe('inside');
    expect(pathSight('apps/team-a/Db/main/db.yaml', folders)).toBe('inside');
  });

  it('lists the folders on the way, and hides the rest', () => {
    expect(pathSight('', folders)).toBe('on-the-way');
    expect(pathSight('apps/team-a', folders)).toBe('on-the-way');
    expect(pathSight('apps/team-b', folders)).toBe('hidden');
    // A name that merely starts like a visible folder is another folder.
    expect(pathSight('apps/team-a/Db/main-2/db.yaml', folders)).toBe('hidden');
    expect(isVisible('apps/team-a/Db/mai', folders)).toBe(false);
    expect(isVisible('apps', [])).toBe(false);
  });
});
