import { coreServices, createServiceFactory, LoggerService } from '@backstage/backend-plugin-api';

/** Every line a logger and its children wrote, with its level and metadata. */
export interface RecordedLine {
  level: 'error' | 'warn' | 'info' | 'debug';
  message: string;
  meta: string;
}

/** A logger that records every line, its children's included, for tests that read the whole log. */
export function recordingLogger(lines: RecordedLine[] = [], labels: object = {}): LoggerService & { lines: RecordedLine[] } {
  const write = (level: RecordedLine['level']) => (message: string, meta?: unknown) => {
    lines.push({ level, message, meta: JSON.stringify({ ...labels, ...(meta as object) }) });
  };
  return {
    lines,
    error: write('error'),
    warn: write('warn'),
    info: write('info'),
    debug: write('debug'),
    child: meta => recordingLogger(lines, { ...labels, ...meta }),
  };
}

/** The backend's root logger replaced by a recording one: every plugin's log lands in `lines`. */
export function recordingRootLoggerFactory(lines: RecordedLine[]) {
  return createServiceFactory({
    service: coreServices.rootLogger,
    deps: {},
    factory: () => recordingLogger(lines),
  });
}
