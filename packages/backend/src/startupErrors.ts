/**
 * The root causes of a failed backend start, each once. Backstage reports a broken
 * shared setting once per plugin, wrapped in several "Failed to instantiate" layers.
 */
function rootCauses(message: string): string[] {
  const perPlugin = message.split('\n').slice(1).filter(line => line.trim());
  const causes = perPlugin.map(line =>
    line
      .split('Error: ')
      .pop()!
      .trim()
      .replace(/ for plugin '[^']+'/, ''),
  );
  return [...new Set(causes)];
}

/** One line that says why the backend could not start, and which setting to look at. */
export function describeStartupError(error: unknown): string {
  const e = error as NodeJS.ErrnoException & { address?: string; port?: number };
  if (e?.code === 'EADDRINUSE') {
    return `port ${e.port} on ${e.address} is already in use; stop what holds it or change backend.listen.port in app-config.yaml`;
  }
  if (e?.code === 'EACCES' && e.port !== undefined) {
    return `no permission to listen on port ${e.port}; use a port above 1023 in backend.listen.port`;
  }
  const message = e instanceof Error ? e.message : String(error);
  if (message.startsWith('Backend startup failed')) {
    return rootCauses(message).join('; ');
  }
  return message;
}
