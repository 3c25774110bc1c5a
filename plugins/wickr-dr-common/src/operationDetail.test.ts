import { MAX_OPERATION_DETAIL_LENGTH, NOT_ONE_LINE, operationDetail } from './api';

describe('operationDetail: what a record keeps of a message', () => {
  it('keeps the first line, whichever line break ends it', () => {
    for (const message of ['Stack failed\nat deploy (x.ts:1)', 'Stack failed\r\nmore', 'Stack failed\rmore', 'Stack failed\u2028more']) {
      expect(operationDetail(message)).toBe('Stack failed');
    }
  });

  it('turns the other control characters into spaces, so the backend accepts the line', () => {
    const detail = operationDetail('DeleteStack\tus-east-1:\u0007 access denied\u001b[0m');
    expect(detail).toBe('DeleteStack us-east-1:  access denied [0m');
    expect(NOT_ONE_LINE.test(detail)).toBe(false);
  });

  it('cuts to the longest detail the backend keeps, in whole code points', () => {
    const detail = operationDetail('🔥'.repeat(MAX_OPERATION_DETAIL_LENGTH + 20));
    expect([...detail]).toHaveLength(MAX_OPERATION_DETAIL_LENGTH);
    expect(detail.endsWith('🔥')).toBe(true);
  });
});
