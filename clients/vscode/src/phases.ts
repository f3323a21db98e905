/** Phases of the compliance report (SPEC §14), read without VS Code so they can be unit tested. */

/** The phase names of a report's `by_phase`, `rest` included, in the report's order. */
export function phaseNames(raw: unknown): string[] {
  const rows = (raw as { by_phase?: unknown } | undefined)?.by_phase;
  if (!Array.isArray(rows)) {
    return [];
  }
  return rows.flatMap((row) => (typeof row?.name === 'string' ? [row.name as string] : []));
}
