import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConfigSection } from './config-section.js';
import { defaultConfiguration, defaultSettings, loadConfiguration, type PaveSettings } from './config.js';
import { fieldChecks } from './field-checks.js';
import { isPaveError, type FieldError } from './problem.js';

/** A made-up module's section: the machinery knows no real module. */
interface GardenConfig {
  beds: number;
  soil: { ph: number; depthCm: number };
  sheds: string[];
}
type GardenPave = PaveSettings & { garden: GardenConfig };

const garden: ConfigSection<'garden', GardenConfig> = {
  key: 'garden',
  defaults: () => ({ beds: 2, soil: { ph: 7, depthCm: 30 }, sheds: [] }),
  nested: ['soil'],
  fromEnvironment(section, { env, given, settings }) {
    if (env.PAVE_GARDEN_BEDS) return { ...section, beds: Number(env.PAVE_GARDEN_BEDS) };
    return settings.demo && given.beds === undefined ? { ...section, beds: 9 } : section;
  },
  validate: section =>
    fieldChecks(check => {
      check(Number.isInteger(section.beds) && section.beds > 0, '/beds', 'must be a positive whole number (PAVE_GARDEN_BEDS)');
      check(section.soil.ph >= 0 && section.soil.ph <= 14, '/soil/ph', 'must be from 0 to 14');
    }),
  resolve: (section, { cwd }) => ({ ...section, sheds: section.sheds.map(shed => join(cwd, shed)) }),
};

describe('configuration from sections', () => {
  let cwd: string;
  beforeEach(() => (cwd = mkdtempSync(join(tmpdir(), 'pave-config-'))));
  afterEach(() => rmSync(cwd, { recursive: true, force: true }));
  const write = (text: string) => writeFileSync(join(cwd, 'pave.config.yaml'), text);
  const load = (env: NodeJS.ProcessEnv = {}, overrides: Partial<GardenPave> = {}) => loadConfiguration<GardenPave>([garden], { cwd, env, overrides });
  const mistakes = (env: NodeJS.ProcessEnv = {}): FieldError[] => {
    try {
      load(env);
    } catch (error) {
      if (isPaveError(error)) return error.problem.errors ?? [];
      throw error;
    }
    return [];
  };

  it("holds Pave's own defaults and each section's, with no file and no variables", () => {
    const expected = { ...defaultSettings(), garden: { beds: 2, soil: { ph: 7, depthCm: 30 }, sheds: [] } };
    expect(defaultConfiguration<GardenPave>([garden])).toEqual(expected);
    expect(load()).toEqual(expected);
  });

  it('fills a section in key by key, nested mappings too; overrides beat the file and the environment beats both', () => {
    write('port: 8080\ngarden:\n  sheds: [tools]\n  soil:\n    ph: 6\n');
    const config = load({}, { port: 9090 });
    expect(config.port).toBe(9090);
    expect(config.garden).toEqual({ beds: 2, soil: { ph: 6, depthCm: 30 }, sheds: [join(cwd, 'tools')] });
    expect(load({ PAVE_PORT: '7000', PAVE_GARDEN_BEDS: '4' }).garden.beds).toBe(4);
    expect(load({ PAVE_PORT: '7000' }, { port: 9090 }).port).toBe(7000);
  });

  it("tells a section Pave's own settings and what was given, not defaulted", () => {
    expect(load({}, { demo: true }).garden.beds).toBe(9);
    write('garden:\n  beds: 3\n');
    expect(load({}, { demo: true }).garden.beds).toBe(3);
  });

  it("reports every mistake at once, Pave's own first, each section's under its key, naming the file", () => {
    write('port: -1\ngarden:\n  soil:\n    ph: 15\n');
    const source = join(cwd, 'pave.config.yaml');
    expect(mistakes({ PAVE_GARDEN_BEDS: 'many' })).toEqual([
      { pointer: '/port', detail: 'must be a whole number from 0 to 65535 (PAVE_PORT)', source },
      { pointer: '/garden/beds', detail: 'must be a positive whole number (PAVE_GARDEN_BEDS)', source },
      { pointer: '/garden/soil/ph', detail: 'must be from 0 to 14', source },
    ]);
  });
});
