/**
 * bench/entity-page's bundle figures: how many bytes of the built frontend
 * (packages/app/dist/static) come from our plugin, read from the chunks' source
 * maps. Each generated segment of a mapping belongs to the source it maps to and
 * runs to the next segment of its line, so a chunk's bytes split by source module;
 * segments that map to nothing (webpack's glue) belong to no module. Ours are the
 * modules of @wickr-dr/backstage-plugin-wickr-dr (plugins/wickr-dr) and of
 * @wickr-dr/backstage-plugin-wickr-dr-common (plugins/wickr-dr-common), which only the plugin
 * brings into the app. Third-party code is counted as not ours: the chunks are cut
 * by package, so a library the card alone uses would not show here (none does today:
 * our chunks map to our sources only).
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

export const APP_DIST = path.resolve(__dirname, '../../packages/app/dist');
const STATIC_DIR = path.join(APP_DIST, 'static');

const OURS = /(^|\/)plugins\/wickr-dr(-common)?\//;
const CARD_MODULE = /(^|\/)plugins\/wickr-dr\/src\/components\/DeploymentCard\/DeploymentCard\.tsx$/;

export interface Chunk {
  file: string;
  /** One of index.html's scripts, fetched before the app starts; else loaded on demand. */
  initial: boolean;
  raw: number;
  gzip: number;
  brotli: number;
  /** Bytes of the chunk that map to our modules. */
  oursRaw: number;
  /** Those bytes, concatenated and compressed alone (an estimate of their compressed share). */
  oursGzip: number;
  oursBrotli: number;
  /** Every source of the map is ours. */
  allOurs: boolean;
  /** The chunk holds the card's component (the card's loader fetches it). */
  card: boolean;
  sources: string[];
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = new Map([...BASE64].map((c, i) => [c, i]));

/** The fields of one mapping segment, each a base64 VLQ (source map v3). */
export function decodeSegment(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const c of segment) {
    const digit = DIGIT.get(c);
    if (digit === undefined) throw new Error(`not a base64 VLQ digit: ${c} in ${segment}`);
    value += (digit & 31) * 2 ** shift;
    if (digit & 32) {
      shift += 5;
    } else {
      values.push(value % 2 ? -(value - 1) / 2 : value / 2);
      value = 0;
      shift = 0;
    }
  }
  if (shift) throw new Error(`truncated VLQ in ${segment}`);
  return values;
}

/**
 * The bytes (UTF-8) of each generated line's segments by source index; segments
 * with no source are left out. Columns are UTF-16 offsets in the line.
 */
export function bytesBySource(code: string, mappings: string): { bytes: Map<number, number>; text: Map<number, string[]> } {
  const lines = code.split('\n');
  const bytes = new Map<number, number>();
  const text = new Map<number, string[]>();
  let source = 0;
  mappings.split(';').forEach((group, lineIndex) => {
    const line = lines[lineIndex] ?? '';
    let column = 0;
    const starts: Array<{ column: number; source?: number }> = [];
    for (const segment of group.split(',')) {
      if (!segment) continue;
      const fields = decodeSegment(segment);
      column += fields[0];
      if (fields.length >= 4) {
        source += fields[1];
        starts.push({ column, source });
        // Fields 2 and 3 (original line and column) and 4 (name) only move their own counters.
      } else {
        starts.push({ column });
      }
    }
    starts.forEach((start, i) => {
      if (start.source === undefined) return;
      const end = i + 1 < starts.length ? starts[i + 1].column : line.length;
      const piece = line.slice(start.column, end);
      bytes.set(start.source, (bytes.get(start.source) ?? 0) + Buffer.byteLength(piece));
      const pieces = text.get(start.source) ?? [];
      pieces.push(piece);
      text.set(start.source, pieces);
    });
  });
  return { bytes, text };
}

/** The scripts index.html loads before the app starts, by file name. */
function initialScripts(): Set<string> {
  const html = fs.readFileSync(path.join(APP_DIST, 'index.html'), 'utf8');
  return new Set([...html.matchAll(/<script[^>]*\ssrc="\/static\/([^"]+\.js)"/g)].map(m => m[1]));
}

/**
 * As the portal serves them: the backend's compression middleware (the `compression`
 * package) sends brotli at quality 4 to browsers that take it, else gzip at zlib's
 * default level (6).
 */
const gzip = (data: Buffer | string) => zlib.gzipSync(data).length;
const brotli = (data: Buffer | string) =>
  zlib.brotliCompressSync(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } }).length;

/** Every JS chunk of the built app, with its bytes and ours. */
export function readChunks(): Chunk[] {
  if (!fs.existsSync(path.join(APP_DIST, 'index.html'))) {
    throw new Error('packages/app/dist is missing: build the frontend first with `npm run build:app`');
  }
  const initial = initialScripts();
  return fs
    .readdirSync(STATIC_DIR)
    .filter(file => file.endsWith('.js'))
    .sort()
    .map(file => {
      const code = fs.readFileSync(path.join(STATIC_DIR, file));
      const mapFile = path.join(STATIC_DIR, `${file}.map`);
      // webpack writes no map for a chunk of empty modules (100 bytes of glue): nothing of it is ours.
      const map = fs.existsSync(mapFile)
        ? JSON.parse(fs.readFileSync(mapFile, 'utf8'))
        : { sources: [], mappings: '' };
      if (map.sections) throw new Error(`${file}.map is an index map, which this reader does not handle`);
      const sources: string[] = map.sources;
      const { bytes, text } = bytesBySource(code.toString('utf8'), map.mappings);
      const ours = [...bytes.keys()].filter(i => OURS.test(sources[i]));
      const oursText = ours.flatMap(i => text.get(i)!).join('');
      return {
        file,
        initial: initial.has(file),
        raw: code.length,
        gzip: gzip(code),
        brotli: brotli(code),
        oursRaw: ours.reduce((sum, i) => sum + bytes.get(i)!, 0),
        oursGzip: oursText ? gzip(oursText) : 0,
        oursBrotli: oursText ? brotli(oursText) : 0,
        allOurs: sources.length > 0 && sources.every(s => OURS.test(s)),
        card: sources.some(s => CARD_MODULE.test(s)),
        sources,
      };
    });
}
