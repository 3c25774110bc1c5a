import { sparklinePoints } from './Sparkline';

describe('sparklinePoints', () => {
  it('spreads values across the width with zero at the bottom and the peak at the top', () => {
    expect(sparklinePoints([0, 5, 10], 104, 24)).toBe('2,22 52,12 102,2');
  });

  it('draws a day without any activity along the bottom', () => {
    expect(sparklinePoints([0, 0, 0], 104, 24)).toBe('2,22 52,22 102,22');
  });

  it('draws a single value as a flat line', () => {
    expect(sparklinePoints([7], 104, 24)).toBe('2,2 102,2');
  });

  it('draws nothing without values', () => {
    expect(sparklinePoints([], 104, 24)).toBe('');
  });
});
