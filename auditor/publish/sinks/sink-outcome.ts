// What a sink reports back: every file either written (with where) or failed (with why), so the
// CLI can say exactly what was lost.
export interface WrittenReport {
  fileName: string;
  /** A path or an s3:// URI. */
  location: string;
}

export interface FailedReport {
  fileName: string;
  /** Where the file should have gone. */
  location: string;
  reason: string;
}

export interface SinkOutcome {
  written: WrittenReport[];
  failed: FailedReport[];
}
