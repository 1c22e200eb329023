import { describe, expect, it } from 'vitest';
import { docsSections } from './docs-sections.js';

describe('docsSections', () => {
  it('cuts a page at its headings, not at a # inside fenced code, and drops decoration', () => {
    const page = ['# Runbook', 'Start **here**.', '## Alert: `HighErrorRate`', 'Page [the on-call](oncall.md).', '```sh', '# not a heading', '```'].join('\n');
    expect(docsSections('runbook.md', page)).toEqual([
      { path: 'runbook.md', heading: 'Runbook', anchor: 'runbook', text: 'Start here .' },
      { path: 'runbook.md', heading: 'Alert: HighErrorRate', anchor: 'alert-higherrorrate', text: 'Page the on-call. sh not a heading' },
    ]);
  });

  it('keeps text above the first heading under the page path', () => {
    expect(docsSections('notes.md', 'Just text')).toEqual([{ path: 'notes.md', heading: 'notes.md', anchor: '', text: 'Just text' }]);
  });
});
