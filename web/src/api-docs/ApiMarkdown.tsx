import { useMemo } from 'react';
import { marked } from 'marked';
import DOMPurify from 'dompurify';

/** A description from an API definition, as sanitized Markdown (definitions are written by anyone). */
export function ApiMarkdown({ text }: { text?: string }) {
  const html = useMemo(() => (text ? DOMPurify.sanitize(marked.parse(text, { async: false }) as string) : ''), [text]);
  return text ? <div className="markdown api-md" dangerouslySetInnerHTML={{ __html: html }} /> : null;
}
