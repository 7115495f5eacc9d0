/** Small RFC 4180 CSV: a header row, fields quoted when they hold a comma, quote or line break. */

export class CsvError extends Error {
  override name = 'CsvError';
}

/** Rows as records keyed by the header; `required` columns must be in the header. */
export function parseCsv(
  text: string,
  required: readonly string[],
  source = 'CSV',
): Record<string, string>[] {
  const rows = splitRows(text.replace(/^\uFEFF/, ''), source).filter((r) => !(r.length === 1 && r[0] === ''));
  if (rows.length === 0)
    throw new CsvError(`${source} is empty; it needs a header row with ${required.join(',')}`);
  const [header, ...body] = rows;
  const missing = required.filter((c) => !header.includes(c));
  if (missing.length)
    throw new CsvError(
      `${source} lacks column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}: its first row must name ` +
        `the columns (${required.join(',')}, …)`,
    );
  return body.map((fields, i) => {
    if (fields.length !== header.length) {
      throw new CsvError(
        `${source} row ${i + 2} has ${fields.length} fields; the header has ${header.length}`,
      );
    }
    return Object.fromEntries(header.map((name, k) => [name, fields[k]]));
  });
}

function splitRows(text: string, source: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (quoted) throw new CsvError(`${source} ends inside a quoted field`);
  if (field !== '' || row.length) rows.push([...row, field]);
  return rows;
}

export function formatCsv(
  header: readonly string[],
  rows: readonly Record<string, string | number | null | undefined>[],
): string {
  const cell = (value: string | number | null | undefined) => {
    const text = value === null || value === undefined ? '' : String(value);
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return (
    [header, ...rows.map((r) => header.map((h) => r[h]))].map((r) => r.map(cell).join(',')).join('\n') + '\n'
  );
}
