/**
 * Credentials for git over HTTP reach git as an `Authorization` header through GIT_CONFIG_* variables:
 * never on a command line (other users see it), never in a URL (git would store it in the remote's
 * config and print it in errors).
 */

/** Basic credentials as a provider takes them for git (GitHub `x-access-token`, GitLab `oauth2`, …). */
export interface GitCredentials {
  username: string;
  password: string;
}

/** Variables that make git send the credentials with every HTTP request; none without credentials. */
export function gitCredentialsEnv(credentials: GitCredentials | undefined): NodeJS.ProcessEnv {
  if (!credentials) return {};
  const basic = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
  return { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}` };
}
