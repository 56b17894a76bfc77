// Findings: rules over the run's records, with severities and the controls they map to.
export * from './finding';
export * from './finding-resources';
export * from './finding-types';
export * from './rule-catalogue';
export * from './rules';
export * from './thresholds';
