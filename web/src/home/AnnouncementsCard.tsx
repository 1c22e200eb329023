import { useState } from 'react';
import { useAsync } from '../lib/hooks';
import { useMay } from '../lib/useMayDo';
import { humanRef } from '../lib/refs';
import { ErrorState, Loading } from '../components/States';
import { ConfirmButton } from '../components/ConfirmButton';
import { SanitizedMarkdown } from '../components/SanitizedMarkdown';
import { AnnouncementForm } from './AnnouncementForm';
import { listAnnouncements, withdrawAnnouncement, type Announcement } from './announcementsApi';

/**
 * The platform team's announcements meant for the reader, newest first. Those who may publish them see every one
 * (for whom, until when, expired), the form and a Withdraw button on each; for everyone else the card is hidden
 * while there is nothing to say.
 */
export function AnnouncementsCard() {
  const mayManage = useMay('announcements.announcement.manage');
  const announcements = useAsync((signal) => listAnnouncements(mayManage, signal), [mayManage]);
  const [writing, setWriting] = useState(false);
  const items = announcements.data?.items ?? [];
  if (!mayManage && !announcements.error && items.length === 0) return null;
  return (
    <section className="card announcements" aria-labelledby="home-announcements-title">
      <div className="card-head">
        <h2 id="home-announcements-title">Announcements</h2>
        {mayManage && !writing ? (
          <button type="button" className="btn small-btn" onClick={() => setWriting(true)}>
            New announcement
          </button>
        ) : null}
      </div>
      {writing ? (
        <AnnouncementForm
          onPublished={() => {
            setWriting(false);
            announcements.reload();
          }}
          onCancel={() => setWriting(false)}
        />
      ) : null}
      {announcements.error ? (
        <ErrorState error={announcements.error} onRetry={announcements.reload} what="announcements" />
      ) : !announcements.data ? (
        <Loading rows={1} />
      ) : items.length === 0 ? (
        <p className="muted">No announcements. What you publish here appears at the top of everyone’s home page (or of the teams you name).</p>
      ) : (
        <ul className="announcement-list">
          {items.map((announcement) => (
            <AnnouncementItem key={announcement.id} announcement={announcement} mayManage={mayManage} onWithdrawn={announcements.reload} />
          ))}
        </ul>
      )}
    </section>
  );
}

function AnnouncementItem({ announcement, mayManage, onWithdrawn }: { announcement: Announcement; mayManage: boolean; onWithdrawn: () => void }) {
  const titleId = `announcement-${announcement.id}`;
  return (
    <li className="announcement" aria-labelledby={titleId}>
      <h3 id={titleId}>{announcement.title}</h3>
      <SanitizedMarkdown text={announcement.text} className="announcement-body" />
      <p className="muted small">
        {humanRef(announcement.author, 'user')} · {new Date(announcement.publishedAt).toLocaleDateString()}
        {announcement.audience.length ? <> · for {announcement.audience.map((team) => humanRef(team, 'group')).join(', ')}</> : null}
        {announcement.expiresAt ? <> · {Date.parse(announcement.expiresAt) <= Date.now() ? 'expired' : 'until'} {new Date(announcement.expiresAt).toLocaleString()}</> : null}
      </p>
      {mayManage ? (
        <ConfirmButton
          label="Withdraw"
          ariaLabel={`Withdraw “${announcement.title}”`}
          confirmLabel="Withdraw from every home page"
          onConfirm={async () => {
            await withdrawAnnouncement(announcement.id);
            onWithdrawn();
          }}
        />
      ) : null}
    </li>
  );
}
