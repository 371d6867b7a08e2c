// The transports moved to src/transports/. This re-export only keeps test/faults/worker-child.ts
// (another change in flight) compiling; delete it once that file imports from src/transports.
export * from '../../transports/types';
