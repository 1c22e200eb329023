/**
 * `https://host:port` of a receiver's URL: all that audit entries, events and logs show of it, since a
 * webhook URL's path or query often holds a token of its own.
 * @example originOf('https://hooks.example.com/T0/B1/xyz?token=1') // 'https://hooks.example.com'
 */
export function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}
