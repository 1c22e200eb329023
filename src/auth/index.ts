/** Identity, permissions and audit: the auth module's public API. */
export { AuthService, type AuthServiceOptions, type Authentication, type Credentials } from './auth-service.js';
export { AuditLog, type AuditContext, type AuditEntry, type AuditQuery, type AuditRecordInput } from '../store/audit-log.js';
export { PermissionService, factsOf, type Explanation, type ResourceInput } from './permission-service.js';
export { TokenService, bearerFrom, TOKEN_PREFIX, type CreateTokenInput, type TokenKind, type TokenRecord, type TokenState } from './token-service.js';
export { SessionService, type Session, type SessionMethod } from './session-service.js';
export { OidcSignIn } from './oidc-sign-in.js';
export { GroupMembership } from './group-membership.js';
export { authorizeEntityChanges, authorizeEntityWrites, unsaved, type EntityChange, type EntityChangeOptions } from './entity-changes.js';
export { decide, isOwner, type Decision, type ResourceFacts, type RuleSource, type SourcedRule } from './policy.js';
export { defaultRules } from './default-policy.js';
export { globMatches, anyGlobMatches } from './action-glob.js';
export { ANONYMOUS, AUTH_DISABLED, describeIdentity, isSignedIn, type Identity, type IdentityVia, type Role } from './identity.js';
