import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import type { Announcement } from '../announcements/announcement.js';
import { table, type Output } from './output.js';
import { withClient, type GlobalOptions } from './context.js';

/** `pave announcement …`: the platform team's announcements on the portal's home page, through the API. */
export function announcementCommands(output: () => Output, globals: () => GlobalOptions): Command {
  const announcement = new Command('announcement').description("announcements on the portal's home page: list, publish, withdraw");

  announcement
    .command('list')
    .description('the announcements shown to you now (every one with --all)')
    .option('--all', 'every announcement, expired and for other teams too (for those who manage them)')
    .action(async (options: { all?: boolean }) => {
      const out = output();
      await withClient(globals(), async client => {
        const items = await client.announcements.list({ all: options.all });
        out.result({ items }, () => (items.length ? announcementTable(items) : 'no announcements'));
      });
    });

  announcement
    .command('publish')
    .description('publish an announcement (Markdown)')
    .requiredOption('--title <title>', 'its title')
    .option('--text <markdown>', 'its text')
    .option('--file <file.md>', 'read its text from a Markdown file instead')
    .option('--team <ref...>', 'show it only to these teams (group refs); everyone when absent')
    .option('--expires <date>', 'when it stops being shown (ISO 8601); until withdrawn when absent')
    .action(async (options: { title: string; text?: string; file?: string; team?: string[]; expires?: string }) => {
      const out = output();
      const text = options.file ? await readFile(options.file, 'utf8') : (options.text ?? '');
      await withClient(globals(), async client => {
        const published = await client.announcements.publish({ title: options.title, text, ...(options.team ? { audience: options.team } : {}), ...(options.expires ? { expiresAt: options.expires } : {}) });
        out.result(published, () => `announcement ${published.id} "${published.title}" published for ${audienceText(published)}`);
      });
    });

  announcement
    .command('withdraw')
    .description('remove an announcement from every home page')
    .argument('<id>', 'announcement id (see pave announcement list --all)')
    .action(async (id: string) => {
      const out = output();
      await withClient(globals(), async client => {
        const withdrawn = await client.announcements.withdraw(id);
        out.result(withdrawn, () => `announcement ${withdrawn.id} "${withdrawn.title}" withdrawn`);
      });
    });

  return announcement;
}

function audienceText(announcement: Announcement): string {
  return announcement.audience.length ? announcement.audience.join(', ') : 'everyone';
}

function announcementTable(items: Announcement[]): string {
  return table(['ID', 'TITLE', 'FOR', 'PUBLISHED', 'EXPIRES'], items.map(a => [a.id, a.title, audienceText(a), a.publishedAt, a.expiresAt ?? '-']));
}
