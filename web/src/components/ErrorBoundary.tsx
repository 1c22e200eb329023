import { Component, type ErrorInfo, type ReactNode } from 'react';

/**
 * Keeps one failing part (a renderer fed an odd document, say) from blanking the whole portal:
 * the part is replaced by a message and a way out, the rest of the page keeps working.
 */
export class ErrorBoundary extends Component<{ children: ReactNode; what?: string; resetKey?: unknown }, { error?: Error }> {
  override state: { error?: Error } = {};

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo) {
    console.error(`Pave portal: ${this.props.what ?? 'a part of the page'} failed`, error, info.componentStack);
  }

  override componentDidUpdate(prev: { resetKey?: unknown }) {
    if (this.state.error && prev.resetKey !== this.props.resetKey) this.setState({ error: undefined });
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="error-state" role="alert">
        <p className="error-title">{this.props.what ? `The ${this.props.what} could not be shown.` : 'This part of the page failed.'}</p>
        <p className="mono small">{this.state.error.message}</p>
        <p>
          <button type="button" className="btn" onClick={() => this.setState({ error: undefined })}>
            Try again
          </button>{' '}
          or reload the page. If it keeps failing, the browser console has the details.
        </p>
      </div>
    );
  }
}
