/**
 * Attacks on who is who (security issue, hole 3): with the demo running, an ordinary developer and the
 * guest try to make themselves admins by editing their own User entity, to move what their team owns to
 * another team, and to publish a Template; each is refused with a 403 naming the field and the
 * permission, and nothing is written. Admins can still do these things, and an edit that touches no
 * guarded field still works.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Entity } from '../../src/core/entity.js';
import { expectProblem, json } from '../api/support.js';
import { ADMIN, DEVELOPER, GUEST, startDemoPave, type Caller, type DemoPave } from './demo-org.js';

const byName = (ref: string) => {
  const [kind, rest] = ref.split(':') as [string, string];
  return `/api/catalog/entities/by-name/${kind}/${rest}`;
};

describe('who is who cannot be changed by whom it would promote', () => {
  let demo: DemoPave;
  const usersFile = () => readFileSync(join(demo.demoDir, 'catalog', 'org', 'users.yaml'), 'utf8');
  const entity = async (call: Caller, ref: string) => json<Entity>(await call(byName(ref)));
  const isAdmin = async (call: Caller) => (await json<{ roles: string[] }>(await call('/api/auth/me'))).roles.includes('admin');

  beforeAll(async () => {
    demo = await startDemoPave();
  });
  afterAll(async () => demo?.close());

  for (const [who, ref] of [
    ['an ordinary developer', DEVELOPER],
    ['the guest', GUEST],
  ] as const) {
    it(`${who} cannot join the admin group by editing their own User entity`, async () => {
      const call = who === 'the guest' ? demo.guest : demo.developer;
      const before = usersFile();
      const me = await entity(call, ref);
      const promoted = { ...me, spec: { ...me.spec, memberOf: [...(me.spec!.memberOf as string[]), 'platform-team'] } };
      const problem = await expectProblem(await call(byName(ref), { method: 'PUT', body: promoted }), 403);
      expect(problem.errors).toEqual([expect.objectContaining({ pointer: '/spec/memberOf', rule: 'permission' })]);
      expect(problem.detail).toContain('catalog.membership.write');
      expect(problem.detail).toContain('default.governance');
      expect(usersFile()).toBe(before);
      expect(await isAdmin(call)).toBe(false);
      expect((await entity(call, ref)).spec!.memberOf).toEqual(me.spec!.memberOf);
    });
  }

  it('an ordinary developer still edits their own profile (no guarded field changes)', async () => {
    const me = await entity(demo.developer, DEVELOPER);
    const profile = { ...(me.spec!.profile as object), displayName: 'Jonah P.' };
    const saved = await json<Entity>(await demo.developer(byName(DEVELOPER), { method: 'PUT', body: { ...me, spec: { ...me.spec, profile } } }));
    expect((saved.spec!.profile as { displayName: string }).displayName).toBe('Jonah P.');
  });

  it("the explain route names the rule that decides membership changes", async () => {
    const explained = await json<{ allowed: boolean; reason: string }>(
      await demo.developer(`/api/permissions/explain?action=catalog.membership.write&resourceRef=${encodeURIComponent(DEVELOPER)}`),
    );
    expect(explained.allowed).toBe(false);
    expect(explained.reason).toContain('"default.governance" (role:admin)');
  });

  it('cannot move an entity its team owns to another team', async () => {
    const service = await entity(demo.developer, 'component:default/checkout-service');
    expect(service.spec!.owner).toBe('checkout-team');
    const problem = await expectProblem(
      await demo.developer(byName('component:default/checkout-service'), { method: 'PUT', body: { ...service, spec: { ...service.spec, owner: 'payments-team' } } }),
      403,
    );
    expect(problem.errors?.map(e => e.pointer)).toContain('/spec/owner');
    expect(problem.detail).toContain('catalog.ownership.transfer');
    expect((await entity(demo.developer, 'component:default/checkout-service')).spec!.owner).toBe('checkout-team');
  });

  it('cannot create a Template (or a Location) even one its own team owns', async () => {
    const template = {
      apiVersion: 'scaffolder.backstage.io/v1beta3',
      kind: 'Template',
      metadata: { name: 'sneaky', namespace: 'default' },
      spec: { owner: 'checkout-team', type: 'service', steps: [{ id: 'r', name: 'Register', action: 'catalog:register', input: { catalogInfoUrl: 'file:///etc#main:x.yaml' } }] },
    };
    const problem = await expectProblem(await demo.developer(byName('template:default/sneaky'), { method: 'PUT', body: template }), 403);
    expect(problem.detail).toContain('templates.template.publish');
    await expectProblem(await demo.developer(byName('template:default/sneaky')), 404);
    const location = { apiVersion: 'backstage.io/v1alpha1', kind: 'Location', metadata: { name: 'sneaky' }, spec: { owner: 'checkout-team', targets: ['/etc/passwd'] } };
    expect((await expectProblem(await demo.guest(byName('location:default/sneaky'), { method: 'PUT', body: location }), 403)).detail).toContain('catalog.location.create');
  });

  it('submitted relations do not make a new entity someone else’s to write', async () => {
    const forged = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'forged' },
      spec: { type: 'service', lifecycle: 'production', owner: 'payments-team' },
      relations: [{ type: 'ownedBy', targetRef: 'group:default/checkout-team' }],
    };
    await expectProblem(await demo.developer(byName('component:default/forged'), { method: 'PUT', body: forged }), 403);
  });

  it('an admin may change membership (the permission exists, it is only not everyone’s)', async () => {
    const user = await entity(demo.admin, DEVELOPER);
    const moved = { ...user, spec: { ...user.spec, memberOf: [...(user.spec!.memberOf as string[]), 'data-team'] } };
    const saved = await json<Entity>(await demo.admin(byName(DEVELOPER), { method: 'PUT', body: moved }));
    expect(saved.spec!.memberOf).toContain('data-team');
    expect(ADMIN).not.toBe(DEVELOPER);
  });
});
