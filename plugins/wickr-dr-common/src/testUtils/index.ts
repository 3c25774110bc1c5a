// Test utilities shared by the Wickr data-retention packages. Not for production code.
export * from './moto';
export * from './motoTemplate';
export * from './botLogSamples';
export * from './fakeWickrAdmin';
export * from './postgres';
export * from './faultProxy';
