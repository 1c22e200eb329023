/**
 * Stand-ins for hosted git providers' REST APIs, as their public documentation describes them (only what
 * Pave's publishers call), on one 127.0.0.1 server that also receives pushes with real git over HTTP
 * (git http-backend), and answers raw-file reads with a token (what the reading module asks for a file page):
 * GitHub (`/api/v3`, GitHub Enterprise Server's layout, GitHub Apps included),
 * GitLab (`/api/v4`), Bitbucket Server (`/rest/api/1.0`) and Gitea (`/api/v1`). Errors follow each
 * provider's documented answers: a name taken, a token without the scope (403), a wrong token (401), a pull
 * or merge request already open from the branch (GitHub's 422, GitLab's 409). Actions secrets arrive sealed
 * for the stand-in's own key (`GET …/actions/secrets/public-key`), which only it can open (`openSecret`). Reviews have states that a test
 * decides (`decide`: merged through git, or closed), read back as each provider documents them.
 */
import { createPublicKey, createVerify, type KeyObject } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import sodium from 'libsodium-wrappers';
import { runGit } from '../../src/git/run-git.js';
import { serveGitHttp } from '../templates/support.js';

export interface StandInOptions {
  /** Folder of the bare repositories (`<root>/<owner>/<repo>.git`). */
  root: string;
  /** Accepted tokens and their scopes: `repo` may create repositories, `push` push to them. */
  tokens: Record<string, string[]>;
  /** GitHub/Gitea owners that are organisations (others are users). */
  organisations?: string[];
  /** Repositories are private: git reads (clones) need a token with the `read` scope, as pushes need `push`. */
  privateGit?: boolean;
  /** A GitHub App's public key (PEM) and the owner it is installed on, with the token an installation gets. */
  app?: { id: number; publicKeyPem: string; installedOn: string; token: string };
}

interface StoredRepository {
  id: number;
  provider: 'github' | 'gitlab' | 'bitbucketServer' | 'gitea';
  owner: string;
  name: string;
  gitPath: string;
  /** When it was made, to the second as GitHub, GitLab and Gitea give `created_at` (Bitbucket Server gives none). */
  createdAt: string;
  body: Record<string, unknown>;
}

export interface ProviderStandIn {
  url: string;
  repositories: StoredRepository[];
  /** Pull and merge requests opened, as their bodies. */
  reviews: Array<{ provider: string; repository: string; body: Record<string, unknown> }>;
  /** Every request received (`METHOD /path`), API and git alike. */
  requests: string[];
  /** Every token a request carried (in any documented form), so a test can tell what was never sent. */
  tokensHeard: string[];
  /** Branch protections set (GitHub's bodies, GitLab's parameters), by `owner/repo/branch`. */
  protections: Map<string, Record<string, unknown>>;
  /** GitHub collaborators and teams given access, by `owner/repo`. */
  access: Map<string, Array<{ user?: string; team?: string; permission: string }>>;
  /** GitHub Actions variables, by `owner/repo`. */
  variables: Map<string, Record<string, string>>;
  /** GitLab project CI/CD variables as received, by `group/project`. */
  projectVariables: Map<string, Array<Record<string, unknown>>>;
  /** GitHub Actions secrets as received (sealed, with the key id), by `owner/repo`. */
  actionsSecrets: Map<string, Record<string, { encrypted_value: string; key_id: string }>>;
  /** Opens a sealed secret with the stand-in's private key, as GitHub does: the value a step sent, or an error when it was not sealed for this key. */
  openSecret(sealed: string): string;
  /** Adds a repository as if made by hand: with one commit on main, or `empty` (as an API call makes it); made now, or at `createdAt`. */
  seed(provider: StoredRepository['provider'], owner: string, name: string, options?: { empty?: boolean; createdAt?: Date }): Promise<StoredRepository>;
  gitDir(repository: StoredRepository): string;
  /**
   * A person deciding a pull or merge request, as the provider's merge button does: `merged` merges its branch
   * into its base with a merge commit (GitHub then says `state: closed, merged: true`, GitLab `state: merged`);
   * `closed` closes it unmerged.
   */
  decide(provider: 'github' | 'gitlab', repository: string, number: number, decision: 'merged' | 'closed'): Promise<void>;
  close(): Promise<void>;
}

type Reply = (status: number, body?: unknown) => void;

export async function startProviderStandIn(options: StandInOptions): Promise<ProviderStandIn> {
  const repositories: StoredRepository[] = [];
  const reviews: ProviderStandIn['reviews'] = [];
  const protections = new Map<string, Record<string, unknown>>();
  const access = new Map<string, Array<{ user?: string; team?: string; permission: string }>>();
  const variables = new Map<string, Record<string, string>>();
  const projectVariables = new Map<string, Array<Record<string, unknown>>>();
  const actionsSecrets = new Map<string, Record<string, { encrypted_value: string; key_id: string }>>();
  // The repositories' Actions secrets key pair (one for all, as an organisation-wide stand-in may): X25519, libsodium's crypto_box.
  await sodium.ready;
  const secretsKey = { ...sodium.crypto_box_keypair(), id: '568250167242549743' };
  const grant = (repository: string, who: { user?: string; team?: string }, permission: string) => {
    const list = access.get(repository) ?? [];
    access.set(repository, [...list.filter(g => g.user !== who.user || g.team !== who.team), { ...who, permission }]);
  };
  const organisations = new Set(options.organisations ?? ['acme']);
  const appKey: KeyObject | undefined = options.app ? createPublicKey(options.app.publicKeyPem) : undefined;
  let base = '';
  let nextId = 1;
  /** GitLab namespaces by the id GET /namespaces/:path gave them (POST /projects names one by id). */
  const namespaces = new Map<number, string>();

  const find = (provider: StoredRepository['provider'], owner: string, name: string) =>
    repositories.find(r => r.provider === provider && r.owner.toLowerCase() === owner.toLowerCase() && r.name.toLowerCase() === name.toLowerCase());

  const describe = (r: StoredRepository): Record<string, unknown> => {
    const web = r.provider === 'bitbucketServer' ? `${base}/projects/${r.owner}/repos/${r.name}/browse` : `${base}/${r.owner}/${r.name}`;
    const clone = `${base}/${r.gitPath}`;
    if (r.provider === 'gitlab') return { id: r.id, web_url: web, http_url_to_repo: clone, path_with_namespace: `${r.owner}/${r.name}`, default_branch: 'main', created_at: r.createdAt, ...r.body };
    if (r.provider === 'bitbucketServer') return { slug: r.name, links: { self: [{ href: web }], clone: [{ href: clone, name: 'http' }, { href: `ssh://git@127.0.0.1/${r.gitPath}`, name: 'ssh' }] }, ...r.body };
    return { id: r.id, name: r.name, full_name: `${r.owner}/${r.name}`, html_url: web, clone_url: clone, default_branch: 'main', created_at: r.createdAt, ...r.body };
  };

  const create = async (provider: StoredRepository['provider'], owner: string, name: string, body: Record<string, unknown>, at = new Date()): Promise<StoredRepository> => {
    const gitPath = provider === 'bitbucketServer' ? `scm/${owner.toLowerCase()}/${name}.git` : `${owner}/${name}.git`;
    const createdAt = at.toISOString().replace(/\.\d{3}Z$/, 'Z');
    const repository: StoredRepository = { id: nextId++, provider, owner, name, gitPath, createdAt, body };
    await mkdir(join(options.root, gitPath), { recursive: true });
    await runGit(['init', '--quiet', '--bare', '--initial-branch=main', join(options.root, gitPath)]);
    repositories.push(repository);
    return repository;
  };

  /** The token a request carries in any of the providers' documented forms. */
  const tokenOf = (request: IncomingMessage): string | undefined => {
    const auth = request.headers.authorization ?? '';
    const privateToken = request.headers['private-token'];
    if (typeof privateToken === 'string') return privateToken;
    const match = /^(?:token|Bearer)\s+(.+)$/i.exec(auth);
    if (match) return match[1];
    if (auth.startsWith('Basic ')) return Buffer.from(auth.slice(6), 'base64').toString().split(':').slice(1).join(':');
    return undefined;
  };

  const github = async (method: string, path: string, url: URL, body: Record<string, unknown>, reply: Reply, scopes: string[]) => {
    let m: RegExpExecArray | null;
    if (method === 'GET' && (m = /^\/users\/([^/]+)$/.exec(path))) return reply(200, { login: m[1], type: organisations.has(m[1]!) ? 'Organization' : 'User' });
    // PUT /orgs/{org}/teams/{team_slug}/repos/{owner}/{repo}: 204 No Content.
    if (method === 'PUT' && (m = /^\/orgs\/([^/]+)\/teams\/([^/]+)\/repos\/([^/]+)\/([^/]+)$/.exec(path))) {
      if (!find('github', m[3]!, m[4]!)) return reply(404, { message: 'Not Found' });
      grant(`${m[3]}/${m[4]}`, { team: decodeURIComponent(m[2]!) }, String(body.permission ?? 'push'));
      return reply(204);
    }
    if (method === 'POST' && (m = /^\/(?:orgs\/([^/]+)|user)\/repos$/.exec(path))) {
      if (!scopes.includes('repo')) return reply(403, { message: 'Resource not accessible by personal access token', documentation_url: 'https://docs.github.com/rest/repos/repos#create-an-organization-repository' });
      const owner = m[1] ?? 'pave-bot';
      const name = String(body.name);
      if (find('github', owner, name)) return reply(422, { message: 'Repository creation failed.', errors: [{ resource: 'Repository', code: 'custom', field: 'name', message: 'name already exists on this account' }] });
      return reply(201, describe(await create('github', owner, name, { private: body.private, visibility: body.visibility, description: body.description, delete_branch_on_merge: body.delete_branch_on_merge })));
    }
    if (!(m = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(path))) return reply(404, { message: 'Not Found' });
    const repository = find('github', m[1]!, m[2]!);
    if (!repository) return reply(404, { message: 'Not Found' });
    const rest = m[3] ?? '';
    if (method === 'GET' && rest === '') return reply(200, describe(repository));
    if (method === 'PUT' && rest === '/topics') return reply(200, { names: body.names });
    // PUT /repos/{owner}/{repo}/collaborators/{username}: 201 with the invitation.
    if (method === 'PUT' && (m = /^\/collaborators\/([^/]+)$/.exec(rest))) {
      grant(`${repository.owner}/${repository.name}`, { user: decodeURIComponent(m[1]!) }, String(body.permission ?? 'push'));
      return reply(201, { id: nextId++, permissions: body.permission ?? 'push' });
    }
    // POST /repos/{owner}/{repo}/actions/variables: 201; 409 when the name exists. PATCH …/{name}: 204.
    const repoVariables = variables.get(`${repository.owner}/${repository.name}`) ?? {};
    variables.set(`${repository.owner}/${repository.name}`, repoVariables);
    if (method === 'POST' && rest === '/actions/variables') {
      if (String(body.name) in repoVariables) return reply(409, { message: 'Already exists - Variable already exists' });
      repoVariables[String(body.name)] = String(body.value);
      return reply(201, {});
    }
    if (method === 'PATCH' && (m = /^\/actions\/variables\/([^/]+)$/.exec(rest))) {
      repoVariables[decodeURIComponent(m[1]!)] = String(body.value);
      return reply(204);
    }
    // GET …/actions/secrets/public-key: { key_id, key (base64) }. PUT …/actions/secrets/{name}: 201 created, 204 updated; 422 for another key.
    if (method === 'GET' && rest === '/actions/secrets/public-key') return reply(200, { key_id: secretsKey.id, key: sodium.to_base64(secretsKey.publicKey, sodium.base64_variants.ORIGINAL) });
    if (method === 'PUT' && (m = /^\/actions\/secrets\/([^/]+)$/.exec(rest))) {
      if (body.key_id !== secretsKey.id || typeof body.encrypted_value !== 'string') return reply(422, { message: 'Bad request - invalid key_id or encrypted_value' });
      const repoSecrets = actionsSecrets.get(`${repository.owner}/${repository.name}`) ?? {};
      actionsSecrets.set(`${repository.owner}/${repository.name}`, repoSecrets);
      const name = decodeURIComponent(m[1]!);
      const existed = name in repoSecrets;
      repoSecrets[name] = { encrypted_value: body.encrypted_value, key_id: body.key_id };
      return reply(existed ? 204 : 201, existed ? undefined : {});
    }
    if (method === 'PUT' && (m = /^\/branches\/([^/]+)\/protection$/.exec(rest))) {
      protections.set(`${repository.owner}/${repository.name}/${decodeURIComponent(m[1]!)}`, body);
      return reply(200, { url: `${base}${url.pathname}` });
    }
    const pulls = reviews.filter(r => r.provider === 'github' && r.repository === `${repository.owner}/${repository.name}`);
    // GET …/pulls lists open ones unless `state` says otherwise (open, closed, all); `head` is `owner:branch`, `base` a branch.
    if (method === 'GET' && rest === '/pulls') {
      const head = url.searchParams.get('head')?.split(':')[1];
      const baseBranch = url.searchParams.get('base');
      const state = url.searchParams.get('state') ?? 'open';
      return reply(200, pulls.filter(p => (!head || p.body.head === head) && (!baseBranch || p.body.base === baseBranch) && (state === 'all' || p.body.state === state)).map(p => p.body));
    }
    if (method === 'POST' && rest === '/pulls') {
      const refs = await runGit(['--git-dir', join(options.root, repository.gitPath), 'branch', '--list', String(body.head)]);
      if (!refs.stdout.trim()) return reply(422, { message: 'Validation Failed', errors: [{ resource: 'PullRequest', field: 'head', code: 'invalid' }] });
      // One open pull request per head and base; the same head into another base is another pull request.
      if (pulls.some(p => p.body.head === body.head && p.body.base === body.base && p.body.state === 'open')) {
        return reply(422, { message: 'Validation Failed', errors: [{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${repository.owner}:${String(body.head)}.` }] });
      }
      const number = pulls.length + 1;
      const pull = { ...body, number, state: 'open', merged: false, merged_at: null, html_url: `${base}/${repository.owner}/${repository.name}/pull/${number}` };
      reviews.push({ provider: 'github', repository: `${repository.owner}/${repository.name}`, body: pull });
      return reply(201, pull);
    }
    if ((m = /^\/(?:pulls|issues)\/(\d+)(\/requested_reviewers|\/assignees)?$/.exec(rest))) {
      const pull = pulls.find(p => p.body.number === Number(m![1]));
      if (!pull) return reply(404, { message: 'Not Found' });
      Object.assign(pull.body, m[2] ? { [m[2].slice(1)]: body } : body);
      return reply(m[2] ? 201 : 200, pull.body);
    }
    return reply(404, { message: 'Not Found' });
  };

  const githubApp = (method: string, path: string, request: IncomingMessage, reply: Reply): boolean => {
    const installation = /^\/(?:orgs|users)\/([^/]+)\/installation$/.exec(path);
    const exchange = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(path);
    if (!installation && !exchange) return false;
    const jwt = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
    const [header, payload, signature] = jwt.split('.');
    const valid = appKey && header && payload && signature && createVerify('RSA-SHA256').update(`${header}.${payload}`).verify(appKey, Buffer.from(signature, 'base64url'));
    const claims = valid ? (JSON.parse(Buffer.from(payload!, 'base64url').toString()) as { iss?: string; exp?: number }) : {};
    if (!valid || claims.iss !== String(options.app!.id) || (claims.exp ?? 0) * 1000 < Date.now()) {
      reply(401, { message: 'A JSON web token could not be decoded' });
      return true;
    }
    if (installation && method === 'GET') {
      if (installation[1] === options.app!.installedOn) reply(200, { id: 77, account: { login: installation[1] } });
      else reply(404, { message: 'Not Found' });
    } else if (exchange && method === 'POST' && exchange[1] === '77') reply(201, { token: options.app!.token, expires_at: new Date(Date.now() + 3_600_000).toISOString() });
    else reply(404, { message: 'Not Found' });
    return true;
  };

  const gitlab = async (method: string, path: string, url: URL, body: Record<string, unknown>, reply: Reply, scopes: string[]) => {
    let m: RegExpExecArray | null;
    if (method === 'GET' && (m = /^\/namespaces\/([^/]+)$/.exec(path))) {
      const full = decodeURIComponent(m[1]!);
      const id = [...namespaces].find(([, p]) => p === full)?.[0] ?? 1000 + namespaces.size;
      namespaces.set(id, full);
      return reply(200, { id, full_path: full, kind: organisations.has(full.split('/')[0]!) ? 'group' : 'user' });
    }
    if (method === 'POST' && path === '/projects') {
      if (!scopes.includes('repo')) return reply(403, { message: '403 Forbidden', error: 'insufficient_scope' });
      const namespace = namespaces.get(Number(body.namespace_id));
      if (!namespace) return reply(400, { message: { namespace: ['is not valid'] } });
      const name = String(body.path ?? body.name);
      if (find('gitlab', namespace, name)) return reply(400, { message: { name: ['has already been taken'], path: ['has already been taken'] } });
      const { name: _name, path: _path, namespace_id: _namespace, ...attributes } = body;
      return reply(201, describe(await create('gitlab', namespace, name, { visibility: body.visibility, description: body.description, ...attributes })));
    }
    // A project's branches, protected branches and CI/CD variables (GitLab's Branches, Protected branches and Project-level variables APIs).
    if ((m = /^\/projects\/(\d+)\/(repository\/branches|protected_branches|variables)(?:\/([^/]+))?$/.exec(path))) {
      const repository = repositories.find(r => r.provider === 'gitlab' && r.id === Number(m![1]));
      if (!repository) return reply(404, { message: '404 Project Not Found' });
      const name = `${repository.owner}/${repository.name}`;
      const git = (args: string[]) => runGit(['--git-dir', join(options.root, repository.gitPath), ...args]);
      const params = { ...Object.fromEntries(url.searchParams), ...body } as Record<string, unknown>;
      if (m[2] === 'repository/branches' && method === 'POST') {
        const branch = String(params.branch);
        if ((await git(['branch', '--list', branch])).stdout.trim()) return reply(400, { message: 'Branch already exists' });
        const commit = await git(['rev-parse', '--verify', '--quiet', `${String(params.ref)}^{commit}`]).catch(() => undefined);
        if (!commit) return reply(400, { message: 'Invalid reference name' });
        await git(['update-ref', `refs/heads/${branch}`, commit.stdout.trim()]);
        return reply(201, { name: branch, commit: { id: commit.stdout.trim() } });
      }
      if (m[2] === 'protected_branches' && method === 'POST') {
        const key = `${name}/${String(params.name)}`;
        if (protections.has(key)) return reply(409, { message: `Protected branch '${String(params.name)}' already exists` });
        protections.set(key, params);
        return reply(201, { name: params.name });
      }
      if (m[2] === 'variables') {
        const list = projectVariables.get(name) ?? [];
        projectVariables.set(name, list);
        // GitLab's masking rule: one line, 8 or more characters from the Base64 alphabets or @ : . ~
        if (params.masked === true && !/^[A-Za-z0-9+/=_@:.~-]{8,}$/.test(String(params.value))) return reply(400, { message: { value: ['is invalid'] } });
        const scope = String(params.environment_scope ?? '*');
        const existing = list.findIndex(v => v.key === (m![3] ? decodeURIComponent(m![3]) : params.key) && v.environment_scope === scope);
        if (method === 'POST' && !m[3]) {
          if (existing >= 0) return reply(400, { message: { key: [`(${String(params.key)}) has already been taken`] } });
          list.push({ ...params, environment_scope: scope });
          return reply(201, { ...params, environment_scope: scope });
        }
        if (method === 'PUT' && m[3]) {
          if (existing < 0) return reply(404, { message: '404 Variable Not Found' });
          list[existing] = { ...params, environment_scope: scope };
          return reply(200, list[existing]);
        }
      }
      return reply(404, { message: '404 Not Found' });
    }
    if (method === 'GET' && path === '/users') return reply(200, url.searchParams.get('username') === 'ghost' ? [] : [{ id: 501, username: url.searchParams.get('username') }]);
    if ((m = /^\/projects\/([^/]+)(\/merge_requests(?:\/(\d+))?)?$/.exec(path))) {
      const key = decodeURIComponent(m[1]!);
      const repository = /^\d+$/.test(key) ? repositories.find(r => r.provider === 'gitlab' && r.id === Number(key)) : find('gitlab', key.split('/').slice(0, -1).join('/'), key.split('/').at(-1)!);
      if (!repository) return reply(404, { message: '404 Project Not Found' });
      if (!m[2] && method === 'GET') return reply(200, describe(repository));
      const requests = reviews.filter(r => r.provider === 'gitlab' && r.repository === `${repository.owner}/${repository.name}`);
      // GET …/merge_requests?state=opened&source_branch=&target_branch=: the list, filtered as GitLab documents.
      if (m[2] && !m[3] && method === 'GET') {
        const state = url.searchParams.get('state');
        const source = url.searchParams.get('source_branch');
        const targetBranch = url.searchParams.get('target_branch');
        return reply(200, requests.filter(r => (!state || state === 'all' || r.body.state === state) && (!source || r.body.source_branch === source) && (!targetBranch || r.body.target_branch === targetBranch)).map(r => r.body));
      }
      if (m[2] && !m[3] && method === 'POST') {
        // GitLab refuses a second open merge request for the same source and target branches, not for another target.
        const open = requests.find(r => r.body.source_branch === body.source_branch && r.body.target_branch === body.target_branch && r.body.state === 'opened');
        if (open) return reply(409, { message: [`Another open merge request already exists for this source branch: !${String(open.body.iid)}`] });
        const iid = requests.length + 1;
        const request = { ...body, iid, state: 'opened', web_url: `${base}/${repository.owner}/${repository.name}/-/merge_requests/${iid}` };
        reviews.push({ provider: 'gitlab', repository: `${repository.owner}/${repository.name}`, body: request });
        return reply(201, request);
      }
      // GET and PUT …/merge_requests/:iid.
      if (m[3]) {
        const request = requests.find(r => r.body.iid === Number(m![3]));
        if (!request) return reply(404, { message: '404 Not found' });
        if (method === 'PUT') Object.assign(request.body, body);
        return reply(200, request.body);
      }
    }
    return reply(404, { message: '404 Not Found' });
  };

  const bitbucket = async (method: string, path: string, body: Record<string, unknown>, reply: Reply, scopes: string[]) => {
    const one = /^\/projects\/([^/]+)\/repos\/([^/]+)$/.exec(path);
    if (one && method === 'GET') {
      const repository = repositories.find(r => r.provider === 'bitbucketServer' && r.owner.toLowerCase() === one[1]!.toLowerCase() && r.name.toLowerCase() === one[2]!);
      return repository ? reply(200, describe(repository)) : reply(404, { errors: [{ message: `Repository ${one[1]}/${one[2]} does not exist.`, exceptionName: 'com.atlassian.bitbucket.repository.NoSuchRepositoryException' }] });
    }
    const m = /^\/projects\/([^/]+)\/repos$/.exec(path);
    if (!m || method !== 'POST') return reply(404, { errors: [{ message: 'Not found' }] });
    if (!scopes.includes('repo')) return reply(401, { errors: [{ message: 'You are not permitted to access this resource', exceptionName: 'com.atlassian.bitbucket.AuthorisationException' }] });
    const name = String(body.name);
    if (find('bitbucketServer', m[1]!, name)) return reply(409, { errors: [{ context: 'name', message: 'This repository URL is already taken by another repository.' }] });
    return reply(201, describe(await create('bitbucketServer', m[1]!, name, { public: body.public })));
  };

  const gitea = async (method: string, path: string, body: Record<string, unknown>, reply: Reply, scopes: string[]) => {
    let m: RegExpExecArray | null;
    if (method === 'GET' && (m = /^\/orgs\/([^/]+)$/.exec(path))) return organisations.has(m[1]!) ? reply(200, { username: m[1] }) : reply(404, { message: 'GetOrgByName' });
    if (method === 'POST' && (m = /^\/(?:orgs\/([^/]+)|user)\/repos$/.exec(path))) {
      if (!scopes.includes('repo')) return reply(403, { message: 'token does not have at least one of required scope(s): [write:repository]' });
      const owner = m[1] ?? 'pave-bot';
      const name = String(body.name);
      if (find('gitea', owner, name)) return reply(409, { message: 'The repository with the same name already exists.' });
      return reply(201, describe(await create('gitea', owner, name, { private: body.private })));
    }
    if (method === 'GET' && (m = /^\/repos\/([^/]+)\/([^/]+)$/.exec(path))) {
      const repository = find('gitea', m[1]!, m[2]!);
      return repository ? reply(200, describe(repository)) : reply(404, { message: 'The target couldn\'t be found.' });
    }
    return reply(404, { message: 'Not Found' });
  };

  /**
   * A raw-file read in each provider's documented form: GitHub's contents with the raw media type, GitLab's
   * repository files `/raw`, Bitbucket Server's `/raw/<path>?at=`, Gitea's `/raw/<path>?ref=`.
   */
  const rawFileOf = (api: string, path: string, url: URL) => {
    const decoded = (text: string) => decodeURIComponent(text);
    let m: RegExpExecArray | null;
    if (api === 'api/v3' && (m = /^\/repos\/([^/]+)\/([^/]+)\/contents\/(.+)$/.exec(path))) return { repository: find('github', m[1]!, m[2]!), ref: url.searchParams.get('ref') ?? 'main', file: decoded(m[3]!), github: true };
    if (api === 'api/v4' && (m = /^\/projects\/([^/]+)\/repository\/files\/([^/]+)\/raw$/.exec(path))) {
      const [owner = '', name = ''] = decoded(m[1]!).split('/');
      return { repository: find('gitlab', owner, name), ref: url.searchParams.get('ref') ?? 'main', file: decoded(m[2]!) };
    }
    if (api === 'rest/api/1.0' && (m = /^\/projects\/([^/]+)\/repos\/([^/]+)\/raw\/(.+)$/.exec(path))) return { repository: find('bitbucketServer', m[1]!, m[2]!), ref: url.searchParams.get('at') ?? 'main', file: decoded(m[3]!) };
    if (api === 'api/v1' && (m = /^\/repos\/([^/]+)\/([^/]+)\/raw\/(.+)$/.exec(path))) return { repository: find('gitea', m[1]!, m[2]!), ref: url.searchParams.get('ref') ?? 'main', file: decoded(m[3]!) };
    return undefined;
  };
  const sendRawFile = async (raw: NonNullable<ReturnType<typeof rawFileOf>>, request: IncomingMessage, response: ServerResponse, reply: Reply) => {
    if (!raw.repository) return reply(404, { message: 'Not Found' });
    // GitHub answers a JSON description unless the raw media type is asked for.
    if (raw.github && request.headers.accept !== 'application/vnd.github.raw') return reply(415, { message: 'the stand-in answers the raw media type only' });
    const shown = await runGit(['--git-dir', join(options.root, raw.repository.gitPath), 'show', `${raw.ref}:${raw.file}`]).catch(() => undefined);
    if (!shown) return reply(404, { message: 'Not Found' });
    response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    response.end(shown.stdout);
  };

  const requests: string[] = [];
  const tokensHeard: string[] = [];
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    requests.push(`${request.method} ${url.pathname}`);
    const reply: Reply = (status, body) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(body === undefined ? '' : JSON.stringify(body));
    };
    const prefix = /^\/(api\/v3|api\/v4|rest\/api\/1\.0|api\/v1)(\/.*)$/.exec(url.pathname);
    const token = tokenOf(request);
    if (token !== undefined) tokensHeard.push(token);
    const scopes = token !== undefined ? options.tokens[token] : undefined;
    if (!prefix) {
      // git over HTTP: anyone reads (unless the repositories are private); pushing needs a token with the push scope.
      const pushing = url.pathname.endsWith('/git-receive-pack') || url.searchParams.get('service') === 'git-receive-pack';
      if ((pushing && !scopes?.includes('push')) || (!pushing && options.privateGit && !scopes?.includes('read'))) {
        response.writeHead(401, { 'www-authenticate': 'Basic realm="git"' });
        return void response.end();
      }
      return serveGitHttp(options.root, request, response);
    }
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>) : {};
    const [, api, path] = prefix as unknown as [string, string, string];
    if (api === 'api/v3' && githubApp(request.method ?? 'GET', path, request, reply)) return;
    if (scopes === undefined) return reply(401, api === 'rest/api/1.0' ? { errors: [{ message: 'Authentication failed' }] } : { message: 'Bad credentials' });
    const method = request.method ?? 'GET';
    const raw = method === 'GET' ? rawFileOf(api, path, url) : undefined;
    if (raw) return sendRawFile(raw, request, response, reply);
    if (api === 'api/v3') return github(method, path, url, body, reply, scopes);
    if (api === 'api/v4') return gitlab(method, path, url, body, reply, scopes);
    if (api === 'rest/api/1.0') return bitbucket(method, path, body, reply, scopes);
    return gitea(method, path, body, reply, scopes);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch(error => {
      response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ message: (error as Error).message }));
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    repositories,
    reviews,
    requests,
    tokensHeard,
    protections,
    access,
    variables,
    projectVariables,
    actionsSecrets,
    openSecret: sealed => sodium.to_string(sodium.crypto_box_seal_open(sodium.from_base64(sealed, sodium.base64_variants.ORIGINAL), secretsKey.publicKey, secretsKey.privateKey)),
    async seed(provider, owner, name, seedOptions = {}) {
      const repository = await create(provider, owner, name, {}, seedOptions.createdAt);
      if (seedOptions.empty) return repository;
      const work = join(options.root, '.seed', `${repository.id}`);
      await mkdir(work, { recursive: true });
      await runGit(['init', '--quiet', '--initial-branch=main', work]);
      await writeFile(join(work, 'README.md'), `# ${name}\n`);
      await runGit(['-C', work, 'add', '.']);
      await runGit(['-C', work, '-c', 'user.name=Seed', '-c', 'user.email=seed@example.com', 'commit', '--quiet', '-m', 'Seed']);
      await runGit(['-C', work, 'push', '--quiet', join(options.root, repository.gitPath), 'main']);
      return repository;
    },
    gitDir: repository => join(options.root, repository.gitPath),
    async decide(provider, name, number, decision) {
      const review = reviews.find(r => r.provider === provider && r.repository === name && r.body[provider === 'github' ? 'number' : 'iid'] === number);
      if (!review) throw new Error(`no review ${number} on ${name}`);
      if (decision === 'merged') {
        const [owner = '', repo = ''] = [name.split('/').slice(0, -1).join('/'), name.split('/').at(-1)];
        const bare = join(options.root, find(provider, owner, repo)!.gitPath);
        const [head, target] = provider === 'github' ? [review.body.head, review.body.base] : [review.body.source_branch, review.body.target_branch];
        const work = join(options.root, '.merge', `${provider}-${number}-${nextId++}`);
        await runGit(['clone', '--quiet', '--branch', String(target), '--', bare, work]);
        await runGit(['-C', work, '-c', 'user.name=Reviewer', '-c', 'user.email=reviewer@example.com', 'merge', '--quiet', '--no-ff', '--no-edit', `origin/${String(head)}`]);
        await runGit(['-C', work, 'push', '--quiet', 'origin', String(target)]);
      }
      Object.assign(
        review.body,
        provider === 'github' ? { state: 'closed', merged: decision === 'merged', merged_at: decision === 'merged' ? new Date().toISOString() : null } : { state: decision },
      );
    },
    close: () => new Promise(resolve => server.close(() => resolve())),
  };
}
