import type { LoggerService } from '@backstage/backend-plugin-api';

export interface LogLine {
  level: 'error' | 'warn' | 'info' | 'debug';
  message: string;
}

/** A logger that keeps every line, children included, so that tests can read what an operator would. */
export class RecordingLogger implements LoggerService {
  constructor(readonly lines: LogLine[] = []) {}

  error(message: string) {
    this.lines.push({ level: 'error', message });
  }
  warn(message: string) {
    this.lines.push({ level: 'warn', message });
  }
  info(message: string) {
    this.lines.push({ level: 'info', message });
  }
  debug(message: string) {
    this.lines.push({ level: 'debug', message });
  }
  child(): LoggerService {
    return new RecordingLogger(this.lines);
  }

  messages(level: LogLine['level']): string[] {
    return this.lines.filter(l => l.level === level).map(l => l.message);
  }
}
