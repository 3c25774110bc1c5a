import {
  driftHeadline,
  driftSeverity,
  formatMetricValue,
  isFailureMetric,
  stackSeverity,
  timeAgo,
} from './presentation';

describe('presentation', () => {
  it.each([
    ['IN_SYNC', 0, 'In sync', 'ok'],
    ['DRIFTED', 1, 'Drifted (1 resource)', 'error'],
    ['DRIFTED', 2, 'Drifted (2 resources)', 'error'],
    ['UNKNOWN', 0, 'Unknown', 'warning'],
    ['CHECK_FAILED', 0, 'Check failed', 'error'],
  ] as const)(
    'headlines a %s check of %i drifted resources as "%s", in the %s colour',
    (status, driftedResources, headline, severity) => {
      expect(driftHeadline({ status, driftedResources })).toBe(headline);
      expect(driftSeverity(status)).toBe(severity);
    },
  );

  it.each([
    ['complete', 'ok'],
    ['in-progress', 'pending'],
    ['rolled-back', 'warning'],
    ['never-created', 'error'],
    ['stuck', 'error'],
    ['deleted', 'error'],
    ['not-found', 'error'],
  ] as const)('shows the %s stack category as %s', (category, severity) => {
    expect(stackSeverity(category)).toBe(severity);
  });

  it('formats byte metrics in decimal units and counts with separators', () => {
    expect(formatMetricValue('Files_Saved_Bytes', 52_400_000)).toBe('52.4 MB');
    expect(formatMetricValue('Files_Saved_Bytes', 512)).toBe('512 B');
    expect(formatMetricValue('Messages_Saved', 1234)).toBe('1,234');
  });

  it('knows which metrics count failures', () => {
    expect(isFailureMetric('Login_Failures')).toBe(true);
    expect(isFailureMetric('S3_Post_Errors')).toBe(true);
    expect(isFailureMetric('Messages_Saved')).toBe(false);
  });

  it('says how long ago something happened', () => {
    const now = Date.parse('2025-11-28T12:00:00Z');
    expect(timeAgo('2025-11-28T11:59:30Z', now)).toBe('just now');
    expect(timeAgo('2025-11-28T11:45:00Z', now)).toBe('15 minutes ago');
    expect(timeAgo('2025-11-28T09:00:00Z', now)).toBe('3 hours ago');
    expect(timeAgo('2025-11-27T12:00:00Z', now)).toBe('yesterday');
    expect(timeAgo('not a date', now)).toBe('not a date');
  });
});
