/**
 * The maturity module's table: assessments, each with the evidence as it was when it was made. Joins the
 * store's `Database` by declaration merging; every file that queries it imports this file, for types only.
 */

declare module '../store/schema.js' {
  interface Database {
    maturity_assessments: MaturityAssessmentsTable;
  }
}

export interface MaturityAssessmentsTable {
  id: string;
  /** When the assessment speaks for (may be earlier than when it was recorded). */
  assessed_at: string;
  recorded_at: string;
  assessor: string;
  /** JSON: the whole assessment (aspects with levels, notes, evidence, missing evidence). */
  body: string;
}
