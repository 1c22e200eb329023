/** What a definition renderer shows when the document cannot be read. */
export function DefinitionError({ message }: { message: string }) {
  return (
    <div className="error-state" role="alert">
      <p className="error-title">The definition could not be parsed</p>
      <p className="mono small">{message}</p>
      <p className="muted">Switch to “Source” to see the text, then fix it in the API’s definition file.</p>
    </div>
  );
}
