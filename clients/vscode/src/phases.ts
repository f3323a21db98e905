/**
 * Phases of the compliance report (SPEC §14): read tolerantly from `by_phase`, and the
 * phase in progress (the first declared one with violations left). Pure: no `vscode` import.
 */

export interface PhaseRow {
  name: string;
  violations: number;
  files?: number;
  score?: number;
  deadline?: string;
  /** false once the deadline has passed with violations left; undefined without a deadline. */
  onTrack?: boolean;
}

export const REST = 'rest';

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function finite(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** The rows of a report's `by_phase`, in the report's order; malformed rows are skipped. */
export function parsePhases(raw: unknown): PhaseRow[] {
  const rows = record(raw)?.by_phase;
  if (!Array.isArray(rows)) {
    return [];
  }
  return rows.flatMap((value) => {
    const row = record(value);
    if (row === undefined || typeof row.name !== 'string') {
      return [];
    }
    return [{
      name: row.name,
      violations: finite(row.violations) ?? 0,
      files: finite(row.files),
      score: finite(row.score),
      deadline: typeof row.deadline === 'string' ? row.deadline : undefined,
      onTrack: typeof row.on_track === 'boolean' ? row.on_track : undefined,
    }];
  });
}

/** The phase names of a report, `rest` included. */
export function phaseNames(raw: unknown): string[] {
  return parsePhases(raw).map((row) => row.name);
}

/** The first declared phase (not `rest`) with violations left; undefined when none is declared or all are done. */
export function currentPhase(phases: PhaseRow[] | undefined): PhaseRow | undefined {
  return (phases ?? []).find((row) => row.name !== REST && row.violations > 0);
}
