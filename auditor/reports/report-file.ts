// What a report file is to the sinks that write it (local directory, S3): its name, content type
// and content, as text built in pieces or as a byte stream. Apart from the report builders
// (index.ts) so that a sink, and the process entry that removes the sinks' temporary files, load
// none of the writers.
import type { Readable } from 'node:stream';

/** A report whose content is text. */
export interface TextReportFile {
  fileName: string;
  contentType: string;
  /** The whole file. For the reports of `buildReportFiles` it is built anew on each read. */
  readonly body: string;
  /**
   * The same text in pieces, built as they are read. The sinks write these when present, so that
   * no report of a large organization ever has to be one string in memory.
   */
  chunks?: () => Iterable<string>;
}

/** A report whose content is bytes (the workbook), produced as the stream is read. */
export interface ByteStreamReportFile {
  fileName: string;
  contentType: string;
  /** A new stream of the whole file at each call; it fails (is destroyed) if the file cannot be built. */
  stream: () => Readable;
}

export type ReportFile = TextReportFile | ByteStreamReportFile;

export function isByteStreamReport(file: ReportFile): file is ByteStreamReportFile {
  return 'stream' in file;
}

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** A file whose text is built in pieces when a sink reads it; its `body` joins them. */
export function reportFileInPieces(fileName: string, contentType: string, chunks: () => Iterable<string>): TextReportFile {
  return {
    fileName,
    contentType,
    chunks,
    get body() {
      return [...chunks()].join('');
    },
  };
}
