import { useMemo } from 'react';
import { marked } from 'marked';
import DOMPurify from 'dompurify';

/** Markdown written by anyone (API definitions, announcements), sanitized before it reaches the page. */
export function SanitizedMarkdown({ text, className = 'api-md' }: { text?: string; className?: string }) {
  const html = useMemo(() => (text ? DOMPurify.sanitize(marked.parse(text, { async: false }) as string) : ''), [text]);
  return text ? <div className={`markdown ${className}`} dangerouslySetInnerHTML={{ __html: html }} /> : null;
}
