/**
 * GitHub Actions secrets of a repository (Backstage's `publish:github` input `secrets`), as GitHub's REST API
 * documents them: each value is sealed with the repository's public key (`GET /repos/{o}/{r}/actions/secrets/public-key`,
 * an X25519 key) in a libsodium sealed box, and sent as `PUT /repos/{o}/{r}/actions/secrets/{name}` with the
 * key's id. Sealing uses `libsodium-wrappers`, the library GitHub's own guide ("Encrypting secrets for the REST
 * API") names for Node. The plain values live only in this call: never logged (names only), never stored.
 */
import { invalidInput } from '../../core/problem.js';
import type { ActionContext } from './action.js';
import { targetApi, type ProviderTarget } from './provider-target.js';

/** GitHub's rule for secret names: letters, digits and underscores, not starting with a digit or `GITHUB_`. */
const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Checks every name before anything is created: a bad one is a 422 naming it.
 * @example checkSecretNames({ NPM_TOKEN: '…' }) // passes; { GITHUB_TOKEN: '…' } throws
 */
export function checkSecretNames(secrets: Record<string, string>): void {
  for (const name of Object.keys(secrets)) {
    if (!SECRET_NAME.test(name) || /^GITHUB_/i.test(name)) {
      throw invalidInput(`input.secrets: "${name}" is not a name GitHub takes for a secret (letters, digits and _, not starting with a digit or GITHUB_)`, [
        { pointer: `/secrets/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`, detail: 'letters, digits and _, not starting with a digit or GITHUB_', rule: 'pattern' },
      ]);
    }
  }
}

/**
 * Seals `value` for the holder of the X25519 public key `base64Key` (crypto_box_seal).
 * @example await sealForGithub('s3cret', key) // base64 of the sealed box
 */
export async function sealForGithub(value: string, base64Key: string): Promise<string> {
  // Imported on first use: loading libsodium instantiates its WebAssembly (~5 MiB of memory) in every process that
  // imports the templates module, and only a golden path that sets secrets needs it.
  const { default: sodium } = await import('libsodium-wrappers');
  await sodium.ready;
  const key = sodium.from_base64(base64Key, sodium.base64_variants.ORIGINAL);
  return sodium.to_base64(sodium.crypto_box_seal(sodium.from_string(value), key), sodium.base64_variants.ORIGINAL);
}

/** Sets each secret of the repository at `repoPath` (`/repos/{o}/{r}`); a PUT creates or replaces it, so a resumed step repeats it safely. */
export async function setActionsSecrets(ctx: ActionContext<unknown>, target: ProviderTarget, repoPath: string, secrets: Record<string, string>): Promise<void> {
  const names = Object.keys(secrets);
  if (!names.length) return;
  const publicKey = await targetApi<{ key_id: string; key: string }>(ctx, target, 'GET', `${repoPath}/actions/secrets/public-key`);
  for (const [name, value] of Object.entries(secrets)) {
    const encrypted = await sealForGithub(value, publicKey.key);
    await targetApi(ctx, target, 'PUT', `${repoPath}/actions/secrets/${encodeURIComponent(name)}`, { encrypted_value: encrypted, key_id: publicKey.key_id });
  }
  ctx.log.info(`Set Actions secrets ${names.join(', ')}`);
}
