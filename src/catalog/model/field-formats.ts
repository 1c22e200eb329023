/**
 * Formats of the entity envelope's fields, with Backstage's exact rules
 * (`@backstage/catalog-model`: KubernetesValidatorFunctions, CommonValidatorFunctions and the
 * catalog's default tag rule from `makeValidator`). Pure functions, no I/O.
 *
 * Each `check*` function returns `undefined` when the value is acceptable, otherwise the rule
 * in words (suitable as a `FieldError.detail`); each `isValid*` function is its boolean form.
 */

/** Longest object name, label value, kind, namespace, DNS label or tag. */
export const MAX_NAME_LENGTH = 63;
/** Longest DNS subdomain (the prefix of an apiVersion, label key or annotation key). */
export const MAX_DNS_SUBDOMAIN_LENGTH = 253;

/** Entity names, label values and the name part of label/annotation keys. */
export const OBJECT_NAME_PATTERN = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
/** One DNS label (RFC 1123 as Backstage reads it): namespaces and each dot-separated part of a subdomain. */
export const DNS_LABEL_PATTERN = /^[a-z0-9]+(?:-+[a-z0-9]+)*$/;
/** Entity kinds. */
export const KIND_PATTERN = /^[a-zA-Z][a-z0-9A-Z]*$/;
/** The version part of an apiVersion (after the optional `group/`). */
export const API_VERSION_SUFFIX_PATTERN = /^[a-z0-9A-Z]+$/;
/** Tags: the catalog's default rule, which (unlike the deprecated `isValidTag`) also allows `:`. */
export const TAG_PATTERN = /^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$/;

const NAME_RULE = `must match ${OBJECT_NAME_PATTERN.source} and be at most ${MAX_NAME_LENGTH} characters`;
const DNS_LABEL_RULE = `must match ${DNS_LABEL_PATTERN.source} and be at most ${MAX_NAME_LENGTH} characters`;
const SUBDOMAIN_RULE =
  `a DNS subdomain (labels matching ${DNS_LABEL_PATTERN.source} joined by ".", ` +
  `at most ${MAX_DNS_SUBDOMAIN_LENGTH} characters)`;

function within(value: string, max: number): boolean {
  return value.length >= 1 && value.length <= max;
}

/** True for a lower-case DNS label of at most 63 characters, e.g. `team-a`. */
export function isValidDnsLabel(value: unknown): value is string {
  return typeof value === 'string' && within(value, MAX_NAME_LENGTH) && DNS_LABEL_PATTERN.test(value);
}

/** True for a DNS subdomain of at most 253 characters, e.g. `backstage.io`. */
export function isValidDnsSubdomain(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    within(value, MAX_DNS_SUBDOMAIN_LENGTH) &&
    value.split('.').every(label => isValidDnsLabel(label))
  );
}

/** True for a Kubernetes-style object name, e.g. `payments-api` or `Team_A.v2`. */
export function isValidObjectName(value: unknown): value is string {
  return typeof value === 'string' && within(value, MAX_NAME_LENGTH) && OBJECT_NAME_PATTERN.test(value);
}

/**
 * Checks a `[prefix/]name` value: exactly zero or one `/`, prefix a DNS subdomain and the rest
 * checked by `isValidName`. Returns what is wrong (naming the part, never repeating it: ingestion
 * problems must not quote the file), or undefined.
 */
function checkPrefixed(
  value: string,
  isValidName: (name: string) => boolean,
  rule: string,
  partName: string,
): string | undefined {
  const parts = value.split('/');
  if (parts.length > 2) return `${rule} (found more than one "/")`;
  const [first = '', second] = parts;
  if (second === undefined) {
    return isValidName(first) ? undefined : `${rule} (the ${partName} is not valid)`;
  }
  if (!isValidDnsSubdomain(first)) return `${rule} (the prefix is not a DNS subdomain)`;
  if (!isValidName(second)) return `${rule} (the ${partName} after the "/" is not valid)`;
  return undefined;
}

const API_VERSION_RULE =
  `must be [group/]version where group is ${SUBDOMAIN_RULE} and version matches ` +
  `${API_VERSION_SUFFIX_PATTERN.source} (at most ${MAX_NAME_LENGTH} characters)`;

/**
 * Checks an `apiVersion`, e.g. `backstage.io/v1alpha1` or `v1`.
 * @example checkApiVersion('backstage.io/v1alpha1') // undefined
 */
export function checkApiVersion(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  return checkPrefixed(
    value,
    v => within(v, MAX_NAME_LENGTH) && API_VERSION_SUFFIX_PATTERN.test(v),
    API_VERSION_RULE,
    'version',
  );
}

/** True when `checkApiVersion` finds nothing wrong. */
export function isValidApiVersion(value: unknown): value is string {
  return checkApiVersion(value) === undefined;
}

/**
 * Checks a `kind`, e.g. `Component`.
 * @example checkKind('Component') // undefined
 */
export function checkKind(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  return within(value, MAX_NAME_LENGTH) && KIND_PATTERN.test(value)
    ? undefined
    : `must match ${KIND_PATTERN.source} and be at most ${MAX_NAME_LENGTH} characters`;
}

/** True when `checkKind` finds nothing wrong. */
export function isValidKind(value: unknown): value is string {
  return checkKind(value) === undefined;
}

/**
 * Checks `metadata.name`.
 * @example checkEntityName('invalid component') // 'must match ^([A-Za-z0-9]… and be at most 63 characters'
 */
export function checkEntityName(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  return isValidObjectName(value) ? undefined : NAME_RULE;
}

/** True when `checkEntityName` finds nothing wrong. */
export function isValidEntityName(value: unknown): value is string {
  return checkEntityName(value) === undefined;
}

/**
 * Checks `metadata.namespace`: a lower-case DNS label.
 * @example checkNamespace('Team-A') // 'must match ^[a-z0-9]+(?:-+[a-z0-9]+)*$ and be at most 63 characters'
 */
export function checkNamespace(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  return isValidDnsLabel(value) ? undefined : DNS_LABEL_RULE;
}

/** True when `checkNamespace` finds nothing wrong. */
export function isValidNamespace(value: unknown): value is string {
  return checkNamespace(value) === undefined;
}

const KEY_RULE =
  `must be [prefix/]name where prefix is ${SUBDOMAIN_RULE} and name matches ` +
  `${OBJECT_NAME_PATTERN.source} (at most ${MAX_NAME_LENGTH} characters)`;

/**
 * Checks a key of `metadata.labels`, e.g. `backstage.io/custom` or `tier`.
 * @example checkLabelKey('Example.com/x') // '… (the prefix "Example.com" is not a DNS subdomain)'
 */
export function checkLabelKey(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  return checkPrefixed(value, isValidObjectName, KEY_RULE, 'name');
}

/** True when `checkLabelKey` finds nothing wrong. */
export function isValidLabelKey(value: unknown): value is string {
  return checkLabelKey(value) === undefined;
}

/**
 * Checks a value of `metadata.labels`: empty, or an object name.
 * @example checkLabelValue('') // undefined
 */
export function checkLabelValue(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  return value === '' || isValidObjectName(value) ? undefined : `must be empty or ${NAME_RULE.replace(/^must /, '')}`;
}

/** True when `checkLabelValue` finds nothing wrong. */
export function isValidLabelValue(value: unknown): value is string {
  return checkLabelValue(value) === undefined;
}

/**
 * Checks a key of `metadata.annotations`: same rule as label keys.
 * @example checkAnnotationKey('backstage.io/techdocs-ref') // undefined
 */
export function checkAnnotationKey(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  return checkPrefixed(value, isValidObjectName, KEY_RULE, 'name');
}

/** True when `checkAnnotationKey` finds nothing wrong. */
export function isValidAnnotationKey(value: unknown): value is string {
  return checkAnnotationKey(value) === undefined;
}

/**
 * Checks a value of `metadata.annotations`: any string (numbers and booleans are not strings;
 * quote them in YAML).
 */
export function checkAnnotationValue(value: unknown): string | undefined {
  return typeof value === 'string' ? undefined : 'must be a string';
}

/** True when `checkAnnotationValue` finds nothing wrong. */
export function isValidAnnotationValue(value: unknown): value is string {
  return checkAnnotationValue(value) === undefined;
}

/**
 * Checks one entry of `metadata.tags`, e.g. `java` or `c++`.
 * @example checkTag('Java') // 'must match ^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$ and be at most 63 characters'
 */
export function checkTag(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  return within(value, MAX_NAME_LENGTH) && TAG_PATTERN.test(value)
    ? undefined
    : `must match ${TAG_PATTERN.source} and be at most ${MAX_NAME_LENGTH} characters`;
}

/** True when `checkTag` finds nothing wrong. */
export function isValidTag(value: unknown): value is string {
  return checkTag(value) === undefined;
}

/**
 * True for an absolute URL that the WHATWG URL parser accepts (what Backstage's `isValidUrl` does),
 * e.g. `https://example.com` or `mailto:team@example.com`.
 */
export function isValidUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

/** True for a string with at least one non-whitespace character. */
export function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length >= 1;
}

/** One problem found in an entity link, located relative to the link (`''`, `/url`, `/title`, …). */
export interface LinkProblem {
  path: string;
  detail: string;
  rule: string;
}

/**
 * Checks one entry of `metadata.links`: an object with a required absolute `url`, and optional
 * `title` and `icon` (non-blank strings) and `type` (non-empty string). Other fields are allowed.
 * @example checkEntityLink({ url: 'https://example.com', title: 'Docs' }) // []
 */
export function checkEntityLink(link: unknown): LinkProblem[] {
  if (typeof link !== 'object' || link === null || Array.isArray(link)) {
    return [{ path: '', detail: 'must be an object with a url', rule: 'type' }];
  }
  const fields = link as Record<string, unknown>;
  const problems: LinkProblem[] = [];
  if (fields.url === undefined) {
    problems.push({ path: '/url', detail: 'is required', rule: 'required' });
  } else if (typeof fields.url !== 'string') {
    problems.push({ path: '/url', detail: 'must be a string', rule: 'type' });
  } else if (!isValidUrl(fields.url)) {
    problems.push({ path: '/url', detail: 'must be an absolute URL, e.g. https://example.com', rule: 'url' });
  }
  for (const key of ['title', 'icon'] as const) {
    const value = fields[key];
    if (value !== undefined && !isNonEmptyString(value)) {
      problems.push({
        path: `/${key}`,
        detail: typeof value === 'string' ? 'must not be blank' : 'must be a string',
        rule: typeof value === 'string' ? 'non-empty' : 'type',
      });
    }
  }
  if (fields.type !== undefined && (typeof fields.type !== 'string' || fields.type.length === 0)) {
    problems.push({
      path: '/type',
      detail: typeof fields.type === 'string' ? 'must not be empty' : 'must be a string',
      rule: typeof fields.type === 'string' ? 'non-empty' : 'type',
    });
  }
  return problems;
}
