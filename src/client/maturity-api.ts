import type { Assessment, AssessmentInput, EvidenceReport } from '../maturity/assessment.js';
import type { ApiConnection } from './api-connection.js';

/** The maturity assessment under /api/maturity. */
export class MaturityApi {
  constructor(private readonly api: ApiConnection) {}

  evidence(): Promise<EvidenceReport> {
    return this.api.json({ method: 'GET', path: '/api/maturity/evidence' });
  }

  async assessments(): Promise<Assessment[]> {
    return (await this.api.json<{ items: Assessment[] }>({ method: 'GET', path: '/api/maturity/assessments' })).items;
  }

  assess(input: AssessmentInput): Promise<Assessment> {
    return this.api.json({ method: 'POST', path: '/api/maturity/assessments', body: input });
  }

  /** The report as Markdown or HTML text. */
  report(format: 'md' | 'html', id?: string): Promise<string> {
    return this.api.text({ method: 'GET', path: '/api/maturity/report', query: { format, id }, accept: format === 'md' ? 'text/markdown' : 'text/html' });
  }

  /** The report printed to PDF. */
  reportPdf(id?: string): Promise<Uint8Array> {
    return this.api.bytes({ method: 'GET', path: '/api/maturity/report', query: { format: 'pdf', id }, accept: 'application/pdf' });
  }
}
